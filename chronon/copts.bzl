"""The C++ flags every chronon/ package compiles with."""

# Consumer workspaces build the compiler too; they should not need a C++17 flag of their own.
COPTS = ["-std=c++17"]
