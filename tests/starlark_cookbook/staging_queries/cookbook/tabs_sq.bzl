load("@rules_chronon//chronon:python.bzl", "StagingQuery")

v1 = StagingQuery(
    # Python's query="""...""" with a tab and three trailing spaces. A triple-quoted string works in Starlark too
    # and keeps every byte; here the tab is \t and the line breaks \n, so that no editor strips the spaces.
    query="\nSELECT user_id,\tspend   \nFROM payments.daily\n",
    startPartition="2023-01-01",
)
