#pragma once
// A progress bar on stderr (count, percentage, rate and ETA) for long commands;
// silent when asked (-q) or when stderr is not a terminal, so that logs and pipes
// get only the final summaries on stdout.

#include <chrono>
#include <cstdint>
#include <string>

namespace podml::cli {

/// Draws "label [#####.....] n/total (pct) rate unit/s ETA m:ss extra", redrawn at most 5 times a second.
class Progress {
public:
  /// A bar for `total` steps (counted in `unit`, e.g. "events") named `label`.
  Progress(uint64_t total, std::string label, bool quiet, std::string unit = "events");
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  /// Clears an unfinished line (e.g. when an error is thrown while the bar is shown).
  ~Progress();
  /// Reports that `done` steps are finished; `extra` is shown after the ETA (e.g. a loss).
  void update(uint64_t done, const std::string& extra = {});
  /// Draws the final state (total, mean rate, elapsed time) and ends the line.
  void done();
  /// True if the bar is drawn (stderr is a terminal and not quiet).
  bool enabled() const { return m_enabled; }

  /// "1.2k", "3.4M": a rate or count for humans.
  static std::string humanCount(double n);
  /// "0:07", "1:02:03": a duration for humans.
  static std::string humanDuration(double seconds);

private:
  void draw(bool final);

  uint64_t m_total;
  std::string m_label;
  std::string m_unit;
  bool m_enabled;
  bool m_open{false}; ///< a line is drawn and not ended
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last;
  uint64_t m_done{0};
  std::string m_extra;
  // Rates are measured from the first update (a bar may be created after work began).
  bool m_hasBase{false};
  uint64_t m_baseDone{0};
  std::chrono::steady_clock::time_point m_baseTime;
};

} // namespace podml::cli
