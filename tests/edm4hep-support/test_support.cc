// Checks podml's own EDM4hep helper headers (datamodels/edm4hep-support).
#include "edm4hep/Constants.h"
#include "edm4hep/FeatureFlags.h"
#include "edm4hep/utils/bit_utils.h"
#include "edm4hep/utils/cov_matrix_utils.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string_view>

namespace {

// Stand-in for the generated component: same member, same pasted-in body.
struct CovMatrix3f {
  std::array<float, 6> values{};
#include "edm4hep/extra_code/CovMatrixCommon.ipp"
};

struct CovMatrix6f {
  std::array<float, 21> values{};
#include "edm4hep/extra_code/CovMatrixCommon.ipp"
};

using edm4hep::Cartesian;
using edm4hep::TrackParams;
using edm4hep::utils::checkBit;
using edm4hep::utils::setBit;
using edm4hep::utils::to_lower_tri;

// Usable in constant expressions, as the generated constexpr accessors need.
static_assert(setBit(0, 3, true) == 8);
static_assert(checkBit(8u, 3) && !checkBit(8u, 2));
static_assert(to_lower_tri(2, 1) == 4);
static_assert(edm4hep::utils::get_cov_dim(21) == 6);
static_assert(EDM4HEP_MCPARTICLE_HAS_HELICITY == 1);
static_assert([] {
  CovMatrix3f m{};
  m.setValue(2.5f, Cartesian::z, Cartesian::x);
  return m.getValue(Cartesian::x, Cartesian::z);
}() == 2.5f);

TEST(BitUtils, SetAndCheck) {
  int32_t status = 0;
  status = setBit(status, 30, true);
  EXPECT_EQ(status, 1 << 30);
  EXPECT_TRUE(checkBit(status, 30));
  EXPECT_FALSE(checkBit(status, 29));
  status = setBit(status, 30, true); // idempotent
  EXPECT_EQ(status, 1 << 30);
  status = setBit(status, 30, false);
  EXPECT_EQ(status, 0);
}

TEST(BitUtils, SignBitOfSignedType) {
  // SimTrackerHit::BITOverlay is bit 31 of an int32_t.
  const int32_t q = setBit(int32_t{0}, 31, true);
  EXPECT_LT(q, 0);
  EXPECT_TRUE(checkBit(q, 31));
  EXPECT_EQ(setBit(q, 31, false), 0);
  EXPECT_EQ(setBit(int32_t{-1}, 0, false), -2);
}

TEST(BitUtils, SmallTypesAndRange) {
  EXPECT_EQ(setBit(uint8_t{0}, 7, true), uint8_t{0x80});
  EXPECT_EQ(setBit(uint8_t{0xff}, 0, false), uint8_t{0xfe});
  EXPECT_THROW(setBit(uint8_t{0}, 8, true), std::out_of_range);
  EXPECT_THROW((void)checkBit(int32_t{0}, 32), std::out_of_range);
}

TEST(CovMatrixUtils, LowerTriangular3x3) {
  // Row-major lower triangle: (0,0) (1,0) (1,1) (2,0) (2,1) (2,2)
  EXPECT_EQ(to_lower_tri(0, 0), 0);
  EXPECT_EQ(to_lower_tri(1, 0), 1);
  EXPECT_EQ(to_lower_tri(1, 1), 2);
  EXPECT_EQ(to_lower_tri(2, 0), 3);
  EXPECT_EQ(to_lower_tri(2, 1), 4);
  EXPECT_EQ(to_lower_tri(2, 2), 5);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(to_lower_tri(i, j), to_lower_tri(j, i));
    }
  }
}

TEST(CovMatrixUtils, LowerTriangular6x6) {
  // Diagonal of a 6x6: i*(i+1)/2 + i
  constexpr std::array<int, 6> diag{0, 2, 5, 9, 14, 20};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(to_lower_tri(i, i), diag[static_cast<std::size_t>(i)]);
  }
  EXPECT_EQ(to_lower_tri(5, 0), 15);
  EXPECT_EQ(to_lower_tri(3, 2), 8);
  EXPECT_EQ(to_lower_tri(0, 4), 10);
  // Every one of the 21 slots is hit exactly once by the lower triangle.
  std::array<int, 21> hits{};
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j <= i; ++j) {
      EXPECT_EQ(to_lower_tri(i, j), to_lower_tri(j, i));
      ++hits[static_cast<std::size_t>(to_lower_tri(i, j))];
    }
  }
  for (int h : hits) {
    EXPECT_EQ(h, 1);
  }
}

TEST(CovMatrixUtils, Dimension) {
  EXPECT_EQ(edm4hep::utils::get_cov_dim(1), 1u);
  EXPECT_EQ(edm4hep::utils::get_cov_dim(3), 2u);
  EXPECT_EQ(edm4hep::utils::get_cov_dim(10), 4u);
  EXPECT_THROW(edm4hep::utils::get_cov_dim(7), std::invalid_argument);
}

TEST(CovMatrixCommon, RoundTripCartesian) {
  CovMatrix3f m;
  m.setValue(1.f, Cartesian::x, Cartesian::x);
  m.setValue(2.f, Cartesian::y, Cartesian::x);
  m.setValue(3.f, Cartesian::z, Cartesian::y);
  m.setValue(4.f, Cartesian::z, Cartesian::z);
  EXPECT_EQ(m.getValue(Cartesian::x, Cartesian::x), 1.f);
  EXPECT_EQ(m.getValue(Cartesian::x, Cartesian::y), 2.f);
  EXPECT_EQ(m.getValue(Cartesian::y, Cartesian::z), 3.f);
  EXPECT_EQ(m.getValue(Cartesian::z, Cartesian::z), 4.f);
  EXPECT_EQ(m[1], 2.f);
  EXPECT_EQ(m[4], 3.f);
  EXPECT_EQ(m.values, (std::array<float, 6>{1, 2, 0, 0, 3, 4}));
}

TEST(CovMatrixCommon, StorageAccess) {
  CovMatrix6f m;
  std::iota(m.begin(), m.end(), 0.f);
  EXPECT_EQ(m.data(), m.values.data());
  EXPECT_EQ(m.end() - m.begin(), 21);
  m[20] = 42.f;
  EXPECT_EQ(m.getValue(TrackParams::time, TrackParams::time), 42.f);
  EXPECT_EQ(m.getValue(TrackParams::omega, TrackParams::d0), 3.f);
  const CovMatrix6f& cm = m;
  EXPECT_EQ(cm[3], 3.f);
  EXPECT_EQ(*cm.data(), 0.f);
  float sum = 0;
  for (float v : cm) {
    sum += v;
  }
  EXPECT_EQ(sum, 210.f - 20.f + 42.f);
}

TEST(CovMatrixCommon, DimensionOutOfRange) {
  CovMatrix3f m;
  EXPECT_THROW((void)m.getValue(TrackParams::z0, TrackParams::d0), std::out_of_range);
}

TEST(Constants, EnumsAndLabels) {
  static_assert(std::is_same_v<std::underlying_type_t<Cartesian>, std::uint16_t>);
  EXPECT_EQ(static_cast<int>(TrackParams::tanLambda), 4);
  EXPECT_EQ(static_cast<int>(TrackParams::time), 5);
  EXPECT_EQ(static_cast<int>(edm4hep::FourMomCoords::t), 3);
  EXPECT_EQ(std::string_view(edm4hep::labels::EventWeightsNames), "EventWeightNames");
  EXPECT_EQ(std::string_view(edm4hep::labels::ShapeParameterNames), "shapeParameterNames");
  EXPECT_EQ(std::string_view(edm4hep::labels::GeneratorWeightNames), "GeneratorWeightNames");
}

} // namespace
