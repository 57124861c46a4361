// Preparing rows for the method: the resolved options, checks of each row against the chart's
// domain, and the subgroups formed by rows that share a date (qicharts2 qic.agg: sums for
// p, pp, u, up and ip; mean and SD for xbar and s; an optional aggregate for the others).
// Thread-safety: pure functions; SubgroupBuilder is a value with no shared state.
#include <algorithm>
#include <cmath>

#include "internal.h"

namespace everyseat::spc::detail {

Context MakeContext(const Options& options) {
  Context ctx;
  ctx.options = options;
  if (!IsMissing(options.limit_constant)) {
    ctx.limit_constant = options.limit_constant;
  } else {
    ctx.limit_constant = options.rules == Rules::kMdc ? 2.66 : 3 / 1.128;
  }
  switch (options.chart) {
    case Chart::kXbar:
    case Chart::kS:
    case Chart::kIp:
      ctx.fixable = false;  // limits read every subgroup of the phase, not only the baseline
      break;
    default:
      ctx.fixable = true;
  }
  return ctx;
}

Result<void> CheckRow(const Context& ctx, const Row& row) {
  const Chart chart = ctx.options.chart;
  if (chart == Chart::kT && !IsMissing(row.value) && row.value <= 0) {
    return Fail(ErrorCode::kNonPositiveTime, "time between events must be greater than zero",
                row.line, "value");
  }
  if (HasDenominator(chart)) {
    if (!IsMissing(row.denominator) && row.denominator < 0) {
      return Fail(ErrorCode::kNegativeDenominator, "denominator must not be negative", row.line,
                  "denominator");
    }
    if (chart != Chart::kIp && !IsMissing(row.value) && row.value < 0) {
      return Fail(ErrorCode::kNegativeCount, "numerator must not be negative", row.line, "value");
    }
    if ((chart == Chart::kP || chart == Chart::kPp) && !IsMissing(row.value) &&
        !IsMissing(row.denominator) && row.value > row.denominator) {
      return Fail(ErrorCode::kNumeratorAboveDenominator, "numerator is above its denominator",
                  row.line, "value");
    }
  }
  return {};
}

void SubgroupBuilder::Start(const Row& row, uint32_t index) {
  base_ = Subgroup{};
  base_.time = row.time;
  base_.row = index;
  base_.line = row.line;
  base_.label = row.phase;
  base_.target = row.target;
  base_.exclude = row.exclude;
  values_.clear();
  rows_ = 0;
  num_ = 0;
  den_ = 0;
  complete_ = 0;
  Add(row);
}

void SubgroupBuilder::Add(const Row& row) {
  ++rows_;
  if (rows_ > 1) base_.exclude = base_.exclude || row.exclude;
  if (!IsMissing(row.value) && !IsMissing(row.denominator)) {
    num_ += row.value;
    den_ += row.denominator;
    ++complete_;
  }
  if (!IsMissing(row.value)) values_.push_back(row.value);
}

namespace {

double Mean(const std::vector<double>& values) {
  if (values.empty()) return kMissing;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

double MedianInPlace(std::vector<double>& values) {
  if (values.empty()) return kMissing;
  const size_t half = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(half), values.end());
  const double upper = values[half];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(half));
  return (lower + upper) / 2;
}

Subgroup SubgroupBuilder::Finish(const Context& ctx) {
  Subgroup sg = base_;
  const Chart chart = ctx.options.chart;
  if (HasDenominator(chart)) {
    sg.num = num_;
    sg.den = den_;
    if (complete_ == 0) {
      sg.y = kMissing;
    } else if (den_ == 0) {
      sg.y = kMissing;
      sg.zero_denominator = true;
    } else {
      sg.y = num_ / den_;
    }
  } else if (chart == Chart::kXbar || chart == Chart::kS) {
    sg.count = static_cast<int>(values_.size());
    sg.mean = Mean(values_);
    if (values_.size() > 1) {
      double squares = 0;
      for (double v : values_) squares += (v - sg.mean) * (v - sg.mean);
      sg.sd = std::sqrt(squares / static_cast<double>(values_.size() - 1));
    }
    sg.y = chart == Chart::kXbar ? sg.mean : sg.sd;
  } else if (rows_ == 1) {
    sg.y = values_.empty() ? kMissing : values_.front();
  } else {
    switch (ctx.options.aggregate) {
      case Aggregate::kMedian:
        sg.y = MedianInPlace(values_);
        break;
      case Aggregate::kSum: {
        double sum = 0;
        for (double v : values_) sum += v;
        sg.y = values_.empty() ? kMissing : sum;
        break;
      }
      default:
        sg.y = Mean(values_);
    }
  }
  return sg;
}

}  // namespace everyseat::spc::detail
