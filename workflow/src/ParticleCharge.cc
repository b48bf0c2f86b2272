#include "ParticleCharge.h"

#include <cstdlib>

namespace podml::workflow::detail {

namespace {

// Three times the charge of quark `q` (1 d, 2 u, 3 s, 4 c, 5 b, 6 t).
int quarkCharge3(int q) { return q % 2 == 0 ? 2 : -1; }

} // namespace

float chargeFromPdg(int pdg) {
  const int a = std::abs(pdg);
  const int sign = pdg < 0 ? -1 : 1;
  int charge3 = 0;
  if (a >= 1000000000) { // nucleus 10LZZZAAAI: Z protons
    return static_cast<float>(sign * ((a / 10000) % 1000));
  }
  if (a <= 8) { // quarks
    charge3 = quarkCharge3(a);
  } else if (a >= 11 && a <= 18) { // leptons: odd codes charged
    charge3 = a % 2 == 1 ? -3 : 0;
  } else if (a == 24 || a == 37) { // W+, H+
    charge3 = 3;
  } else if (a < 100) { // gluon, photon, Z, H, other gauge and Higgs bosons, special codes
    charge3 = 0;
  } else if (a < 10000000) { // hadrons: n_r n_L n_q1 n_q2 n_q3 n_J
    const int q1 = (a / 1000) % 10, q2 = (a / 100) % 10, q3 = (a / 10) % 10;
    if (q1 == 0) {
      // Meson q2 q3 (q2 >= q3): the particle holds the up-type quark and the anti-quark of the
      // other (211 = u d-bar, 321 = u s-bar, 521 = u b-bar, 411 = c d-bar); two down-type quarks
      // or a quark and its own anti-quark make it neutral.
      if (q2 == q3 || (q2 % 2 == 1 && q3 % 2 == 1)) {
        charge3 = 0;
      } else if (q2 % 2 == 0) {
        charge3 = quarkCharge3(q2) - quarkCharge3(q3);
      } else {
        charge3 = quarkCharge3(q3) - quarkCharge3(q2);
      }
    } else if (q3 == 0) { // diquark q1 q2 (e.g. 2101 = ud_0)
      charge3 = quarkCharge3(q1) + quarkCharge3(q2);
    } else { // baryon q1 q2 q3
      charge3 = quarkCharge3(q1) + quarkCharge3(q2) + quarkCharge3(q3);
    }
  }
  return static_cast<float>(sign * charge3) / 3.0f;
}

} // namespace podml::workflow::detail
