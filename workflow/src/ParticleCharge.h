#pragma once
// Electric charge from a PDG code, by the PDG's Monte Carlo particle numbering scheme:
// HepMC records carry no charge, EDM4hep's MCParticle does.

namespace podml::workflow::detail {

/// Charge of the particle with PDG code `pdg` in units of e: from the quark content for
/// quarks, diquarks, mesons and baryons, the proton number for nuclei, 0 for codes the
/// scheme gives no charge (and for the generator-specific ranges it does not define).
float chargeFromPdg(int pdg);

} // namespace podml::workflow::detail
