#pragma once
// A progress line on stderr (rate and ETA) for long commands; silent when asked
// or when stderr is not a terminal.

#include <chrono>
#include <cstdint>
#include <string>

namespace podml::cli {

/// Prints "label n/total (pct) rate/s ETA" at most ~5 times a second.
class Progress {
public:
  /// A bar for `total` steps named `label`.
  Progress(uint64_t total, std::string label, bool quiet);
  /// Reports that `done` steps are finished; `extra` is shown after the ETA (e.g. a loss).
  void update(uint64_t done, const std::string& extra = {});
  /// Ends the line.
  void done();

private:
  uint64_t m_total;
  std::string m_label;
  bool m_enabled;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last;
  uint64_t m_done{0};
  std::string m_extra;
};

} // namespace podml::cli
