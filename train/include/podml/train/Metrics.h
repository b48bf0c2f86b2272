#pragma once
/// \file Metrics.h
/// Figures of merit of a binary classifier: ROC AUC, accuracy, log loss and the
/// signal efficiency at a fixed background efficiency.

#include <span>
#include <vector>

namespace podml::train {

/// Area under the ROC curve: the probability that a random signal object scores
/// higher than a random background one (ties count half). NaN if a class is empty.
double rocAuc(std::span<const float> scores, std::span<const float> labels);

/// Share of objects whose score is on the right side of `threshold`.
double accuracy(std::span<const float> scores, std::span<const float> labels, double threshold = 0.5);

/// Mean binary cross-entropy of probabilities (clamped away from 0 and 1).
double logLoss(std::span<const float> scores, std::span<const float> labels);

/// One point of a ROC curve.
struct RocPoint {
  double threshold;             ///< objects with score >= threshold are selected
  double signalEfficiency;      ///< selected share of signal
  double backgroundEfficiency;  ///< selected share of background
};

/// The ROC curve, from the highest threshold to the lowest, at most `points` points.
std::vector<RocPoint> rocCurve(std::span<const float> scores, std::span<const float> labels, std::size_t points = 200);

/// Signal efficiency where the background efficiency first reaches `backgroundEfficiency`
/// (e.g. 0.01 for a background rejection of 100).
double signalEfficiencyAt(std::span<const float> scores, std::span<const float> labels, double backgroundEfficiency);

} // namespace podml::train
