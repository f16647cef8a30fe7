from ai.chronon.join import Join, JoinPart, DataType
from ai.chronon.model import InferenceSpec, Model, ModelTransform, ModelTransforms
from sources import test_sources
from group_bys.example_team import example_group_by

scorer = Model(
    name="scorer",
    inference_spec=InferenceSpec(model_backend="vertexai", model_backend_params={"endpoint": "e1", "region": "r"}),
    input_schema=[("user", DataType.STRING), ("score_in", DataType.DOUBLE)],
    output_schema=[("score", DataType.DOUBLE)],
)

v1 = Join(
    left=test_sources.user_activity,
    right_parts=[JoinPart(group_by=example_group_by.v0)],
    model_transforms=ModelTransforms(
        transforms=[ModelTransform(model=scorer, input_mappings={"score_in": "active_7_days"}, prefix="m")],
        passthrough_fields=["user"],
    ),
)
