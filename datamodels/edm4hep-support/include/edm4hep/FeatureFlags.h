#pragma once
/// \file FeatureFlags.h
/// podml's stand-in for EDM4hep's feature-flag header. Upstream only defines
/// preprocessor flags that let downstream code detect EDM4hep features without
/// a version check; MCParticle's ExtraCode includes it for that reason.

/// Set because this EDM4hep version's MCParticle has `helicity` (not `spin`).
#define EDM4HEP_MCPARTICLE_HAS_HELICITY 1
