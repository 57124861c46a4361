// make_data: writes the input files of the command-line benchmarks (spc.md section 9).
//
//   make_data big FILE      1,000,000 rows "date,value": ISO date-times hourly from
//                           2000-01-01T00:00:00, values N(100, 10) to 2 decimals
//   make_data facets FILE   "series,date,value": series s0001..s1000, 60 monthly points each from
//                           2019-01-01, values N(100, 10) to 2 decimals (the workload the peers
//                           were timed on, peer-methods.md Part D)
//
// The values come from a fixed seed (random.h), so every machine writes the same bytes.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "random.h"

namespace {

namespace chrono = std::chrono;

constexpr int64_t kBigRows = 1'000'000;
constexpr int kFacetSeries = 1'000;
constexpr int kFacetPoints = 60;
constexpr uint64_t kSeed = 20260101;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

void WriteBig(std::FILE* out) {
  everyseat::bench::Random random(kSeed);
  const chrono::sys_days start = chrono::year{2000} / chrono::January / 1;
  std::fputs("date,value\n", out);
  for (int64_t i = 0; i < kBigRows; ++i) {
    const chrono::sys_days day = start + chrono::days{i / 24};
    const chrono::year_month_day ymd{day};
    std::fprintf(out, "%04d-%02u-%02uT%02d:00:00,%.2f\n", static_cast<int>(ymd.year()),
                 static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                 static_cast<int>(i % 24), random.Normal(100, 10));
  }
}

void WriteFacets(std::FILE* out) {
  everyseat::bench::Random random(kSeed);
  const chrono::year_month first = chrono::year{2019} / chrono::January;
  std::fputs("series,date,value\n", out);
  for (int s = 1; s <= kFacetSeries; ++s) {
    for (int m = 0; m < kFacetPoints; ++m) {
      const chrono::year_month ym = first + chrono::months{m};
      std::fprintf(out, "s%04d,%04d-%02u-01,%.2f\n", s, static_cast<int>(ym.year()),
                   static_cast<unsigned>(ym.month()), random.Normal(100, 10));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "big") != 0 && std::strcmp(argv[1], "facets") != 0)) {
    std::fprintf(stderr, "usage: make_data big|facets FILE\n");
    return 2;
  }
  std::FILE* raw = std::fopen(argv[2], "wb");
  if (raw == nullptr) {
    std::fprintf(stderr, "make_data: cannot write %s: %s\n", argv[2], std::strerror(errno));
    return 1;
  }
  File out(raw);
  if (std::strcmp(argv[1], "big") == 0) {
    WriteBig(out.get());
  } else {
    WriteFacets(out.get());
  }
  if (std::ferror(out.get()) != 0 || std::fclose(out.release()) != 0) {
    std::fprintf(stderr, "make_data: error writing %s\n", argv[2]);
    return 1;
  }
  return 0;
}
