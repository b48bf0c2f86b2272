#pragma once
// Opens a file once in a child process before the reader trusts it in-process:
// HDF5 1.10 does not validate its own metadata and can crash on a corrupt file
// (fuzz/known-hdf5-crashers). A crash in the child becomes an IoError here.

#include <functional>
#include <string>

namespace podml::io::detail {

/// Runs `walk` (which opens and reads `file`) in a forked child. Throws IoError
/// naming the file if the child dies from a signal. Returns normally if the child
/// finished (with or without an error, which the in-process open reports again),
/// if the probe could not run or did not finish within `timeoutSeconds`, or if the
/// process has several threads (a fork could then inherit a held HDF5 lock).
void probeInChild(const std::string& file, const std::function<void()>& walk, int timeoutSeconds = 60);

} // namespace podml::io::detail
