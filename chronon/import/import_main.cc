#include "chronon/import/importer.h"

int main(int argc, char** argv) { return chronon::importer::Main(argc, argv); }
