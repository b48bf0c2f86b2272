#include "Progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace podml::cli {

Progress::Progress(uint64_t total, std::string label, bool quiet, std::string unit)
    : m_total(total), m_label(std::move(label)), m_unit(std::move(unit)),
      m_enabled(!quiet && ::isatty(STDERR_FILENO) != 0), m_start(std::chrono::steady_clock::now()), m_last(m_start) {}

Progress::~Progress() {
  if (m_open) {
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
}

std::string Progress::humanCount(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  } else if (n >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", n / 1e3);
  } else if (n >= 10 || n == 0) {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", n);
  }
  return buf;
}

std::string Progress::humanDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) {
    return "?";
  }
  const auto s = static_cast<unsigned long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", s / 60, s % 60);
  }
  return buf;
}

void Progress::update(uint64_t done, const std::string& extra) {
  m_done = done;
  m_extra = extra;
  if (!m_enabled) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!m_hasBase) {
    m_hasBase = true;
    m_baseDone = done;
    m_baseTime = now;
  }
  if (m_open && now - m_last < std::chrono::milliseconds(200)) {
    return;
  }
  m_last = now;
  draw(false);
}

void Progress::draw(bool final) {
  const auto now = std::chrono::steady_clock::now();
  const double secs = std::chrono::duration<double>(now - m_start).count();
  const double measured = m_hasBase ? std::chrono::duration<double>(now - m_baseTime).count() : secs;
  const uint64_t counted = m_hasBase ? m_done - std::min(m_baseDone, m_done) : m_done;
  // Below 50 ms the rate is noise.
  const double rate = measured > 0.05 && counted > 0 ? static_cast<double>(counted) / measured : 0.0;
  const double frac = m_total > 0 ? std::min(1.0, static_cast<double>(m_done) / static_cast<double>(m_total)) : 1.0;
  constexpr int kWidth = 20;
  const int filled = static_cast<int>(frac * kWidth);
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
  const std::string rateText = rate > 0 ? humanCount(rate) + " " + m_unit + "/s" : "- " + m_unit + "/s";
  std::string tail;
  if (final) {
    tail = "in " + humanDuration(secs);
  } else if (rate > 0) {
    tail = "ETA " + humanDuration(static_cast<double>(m_total - std::min(m_done, m_total)) / rate);
  } else {
    tail = "ETA ?";
  }
  // \r and erase-to-end-of-line: the line is redrawn in place.
  std::fprintf(stderr, "\r%s [%s] %llu/%llu (%.0f%%) %s %s%s%s\x1b[K", m_label.c_str(), bar.c_str(),
               static_cast<unsigned long long>(m_done), static_cast<unsigned long long>(m_total), 100.0 * frac,
               rateText.c_str(), tail.c_str(), m_extra.empty() ? "" : "  ", m_extra.c_str());
  std::fflush(stderr);
  m_open = true;
}

void Progress::done() {
  if (!m_enabled) {
    return;
  }
  m_done = std::max(m_done, m_total);
  draw(true);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  m_open = false;
}

} // namespace podml::cli
