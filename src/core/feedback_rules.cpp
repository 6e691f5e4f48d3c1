#include "core/feedback_rules.hpp"

#include <string>

#include "core/error.hpp"

namespace rapport {

bool is_survey_kind(std::string_view kind) noexcept {
  return kind == "csat" || kind == "nps";
}

int survey_min_score(std::string_view kind) noexcept {
  return kind == "nps" ? 0 : 1;
}

int survey_max_score(std::string_view kind) noexcept {
  return kind == "nps" ? 10 : 5;
}

void check_survey_score(std::string_view field, std::string_view kind, std::int64_t score) {
  const int lo = survey_min_score(kind);
  const int hi = survey_max_score(kind);
  if (score < lo || score > hi) {
    throw_invalid(std::string(field), "must be from " + std::to_string(lo) + " to " +
                                          std::to_string(hi) + " for a " + std::string(kind) +
                                          " survey");
  }
}

void check_stars(std::string_view field, std::int64_t stars) {
  if (stars < kMinStars || stars > kMaxStars) {
    throw_invalid(std::string(field), "must be a whole number of stars from 1 to 5");
  }
}

NpsCategory nps_category(int score) noexcept {
  if (score >= 9) return NpsCategory::kPromoter;
  if (score >= 7) return NpsCategory::kPassive;
  return NpsCategory::kDetractor;
}

bool csat_satisfied(int score) noexcept {
  return score >= 4;
}

std::int64_t ScoreCounts::total() const noexcept {
  std::int64_t n = 0;
  for (auto c : by_score) n += c;
  return n;
}

NpsFigures nps_figures(const ScoreCounts& counts) noexcept {
  NpsFigures f;
  for (int s = 0; s <= 10; ++s) {
    const std::int64_t c = counts.by_score[static_cast<std::size_t>(s)];
    f.responses += c;
    switch (nps_category(s)) {
      case NpsCategory::kPromoter:
        f.promoters += c;
        break;
      case NpsCategory::kPassive:
        f.passives += c;
        break;
      case NpsCategory::kDetractor:
        f.detractors += c;
        break;
    }
  }
  if (f.responses > 0) {
    f.nps =
        100.0 * static_cast<double>(f.promoters - f.detractors) / static_cast<double>(f.responses);
  }
  return f;
}

CsatFigures csat_figures(const ScoreCounts& counts) noexcept {
  CsatFigures f;
  std::int64_t sum = 0;
  for (int s = 0; s <= 10; ++s) {
    const std::int64_t c = counts.by_score[static_cast<std::size_t>(s)];
    f.responses += c;
    sum += c * s;
    if (csat_satisfied(s)) f.satisfied += c;
  }
  if (f.responses > 0) {
    f.csat = 100.0 * static_cast<double>(f.satisfied) / static_cast<double>(f.responses);
    f.mean = static_cast<double>(sum) / static_cast<double>(f.responses);
  }
  return f;
}

RatingSummary rating_summary(const std::array<std::int64_t, 5>& distribution) noexcept {
  RatingSummary r;
  r.distribution = distribution;
  for (int i = 0; i < 5; ++i) {
    r.count += distribution[static_cast<std::size_t>(i)];
    r.sum += distribution[static_cast<std::size_t>(i)] * (i + 1);
  }
  if (r.count > 0) r.mean = static_cast<double>(r.sum) / static_cast<double>(r.count);
  return r;
}

}  // namespace rapport
