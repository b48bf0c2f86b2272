#pragma once
/// \file OutputPath.h
/// The one check every podml writer makes before it creates anything: the output must be
/// a path podml may replace (a regular file, or nothing yet) and must not be one of the
/// files the same run reads. A device (`-o /dev/null`), a directory or an empty name is
/// refused, so that writing through a temporary file and a rename can never replace them.

#include <string>
#include <vector>

namespace podml {

/// Throws UsageError naming `output` if it is empty, exists as anything but a regular file,
/// or is the same file as one of `inputs` (compared as files: links and `./` spellings
/// count). `what` names the output in the message, e.g. "model" or "events file".
void checkOutputPath(const std::string& output, const std::vector<std::string>& inputs = {},
                     const std::string& what = "output");

} // namespace podml
