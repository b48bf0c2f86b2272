#include "podml/train/Metrics.h"

#include "podml/Exceptions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace podml::train {
namespace {

void checkSizes(std::span<const float> scores, std::span<const float> labels) {
  if (scores.size() != labels.size()) {
    throw UsageError("cannot compute a metric: " + std::to_string(scores.size()) + " scores but " +
                     std::to_string(labels.size()) + " labels");
  }
}

// Indices by descending score.
std::vector<std::size_t> byScore(std::span<const float> scores) {
  std::vector<std::size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return idx;
}

} // namespace

double rocAuc(std::span<const float> scores, std::span<const float> labels) {
  checkSizes(scores, labels);
  const auto idx = byScore(scores);
  double pos = 0, neg = 0, area = 0;
  // Walk groups of equal score: each background object adds the signal seen above it,
  // plus half of the signal tied with it.
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    double p = 0, n = 0;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) {
      (labels[idx[j]] > 0.5f ? p : n) += 1;
      ++j;
    }
    area += n * (pos + 0.5 * p);
    pos += p;
    neg += n;
    i = j;
  }
  if (pos == 0 || neg == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return area / (pos * neg);
}

double accuracy(std::span<const float> scores, std::span<const float> labels, double threshold) {
  checkSizes(scores, labels);
  if (scores.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::size_t right = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    right += (scores[i] >= threshold) == (labels[i] > 0.5f) ? 1 : 0;
  }
  return static_cast<double>(right) / static_cast<double>(scores.size());
}

double logLoss(std::span<const float> scores, std::span<const float> labels) {
  checkSizes(scores, labels);
  if (scores.empty()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  constexpr double eps = 1e-7;
  double sum = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const double p = std::clamp(static_cast<double>(scores[i]), eps, 1.0 - eps);
    sum -= labels[i] > 0.5f ? std::log(p) : std::log(1.0 - p);
  }
  return sum / static_cast<double>(scores.size());
}

std::vector<RocPoint> rocCurve(std::span<const float> scores, std::span<const float> labels, std::size_t points) {
  checkSizes(scores, labels);
  const auto idx = byScore(scores);
  double pos = 0, neg = 0;
  for (float l : labels) {
    (l > 0.5f ? pos : neg) += 1;
  }
  std::vector<RocPoint> all;
  double p = 0, n = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) {
      (labels[idx[j]] > 0.5f ? p : n) += 1;
      ++j;
    }
    all.push_back({scores[idx[i]], pos > 0 ? p / pos : 0.0, neg > 0 ? n / neg : 0.0});
    i = j;
  }
  if (points < 2 || all.size() <= points) {
    return all;
  }
  std::vector<RocPoint> out;
  for (std::size_t k = 0; k < points; ++k) {
    out.push_back(all[k * (all.size() - 1) / (points - 1)]);
  }
  return out;
}

double signalEfficiencyAt(std::span<const float> scores, std::span<const float> labels, double backgroundEfficiency) {
  const auto curve = rocCurve(scores, labels, 0);
  for (const auto& pt : curve) {
    if (pt.backgroundEfficiency >= backgroundEfficiency) {
      return pt.signalEfficiency;
    }
  }
  return curve.empty() ? std::numeric_limits<double>::quiet_NaN() : curve.back().signalEfficiency;
}

} // namespace podml::train
