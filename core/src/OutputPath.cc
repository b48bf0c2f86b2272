#include "podml/OutputPath.h"

#include "podml/Exceptions.h"

#include <filesystem>

namespace podml {

void checkOutputPath(const std::string& output, const std::vector<std::string>& inputs, const std::string& what) {
  namespace fs = std::filesystem;
  if (output.empty()) {
    throw UsageError("cannot write the " + what + ": the output path is empty");
  }
  std::error_code ec;
  const auto status = fs::status(output, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    const std::string kind = fs::is_directory(status)                                  ? "a directory"
                             : fs::is_character_file(status) || fs::is_block_file(status) ? "a device"
                                                                                         : "not a regular file";
    throw UsageError("cannot write the " + what + " to '" + output + "': it is " + kind +
                     ", which podml never replaces (name a file)");
  }
  for (const auto& in : inputs) {
    std::error_code eq;
    if (fs::equivalent(in, output, eq)) {
      throw UsageError("cannot write the " + what + " to '" + output + "': it is also an input of this run ('" + in +
                       "'), which writing would destroy (choose another output)");
    }
  }
}

} // namespace podml
