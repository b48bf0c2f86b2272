#include "Progress.h"

#include <cstdio>
#include <unistd.h>

namespace podml::cli {

Progress::Progress(uint64_t total, std::string label, bool quiet)
    : m_total(total), m_label(std::move(label)), m_enabled(!quiet && ::isatty(STDERR_FILENO) != 0),
      m_start(std::chrono::steady_clock::now()), m_last(m_start) {}

void Progress::update(uint64_t done, const std::string& extra) {
  m_done = done;
  m_extra = extra;
  if (!m_enabled) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last < std::chrono::milliseconds(200) && done != m_total) {
    return;
  }
  m_last = now;
  const double secs = std::chrono::duration<double>(now - m_start).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  const double eta = rate > 0 ? static_cast<double>(m_total - done) / rate : 0.0;
  const double pct = m_total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(m_total) : 100.0;
  std::fprintf(stderr, "\r%s %llu/%llu (%.0f%%) %.0f/s ETA %.0fs %s  ", m_label.c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(m_total), pct, rate, eta,
               m_extra.c_str());
  std::fflush(stderr);
}

void Progress::done() {
  if (m_enabled) {
    update(m_total, m_extra);
    std::fprintf(stderr, "\n");
  }
}

} // namespace podml::cli
