// Writes the small test ONNX models (no card) for the CLI tests.
#include "ModelBuilder.h"

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: podml-write-test-models DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  testmodels::writeLinearSigmoid(dir + "/linear.onnx", {0.5f, -0.25f}, 0.1f);
  testmodels::writeDoubleScale(dir + "/scale.onnx");
  testmodels::writeUnknownOperator(dir + "/unknown-op.onnx");
  return 0;
}
