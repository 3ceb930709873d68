"""Creator Persona Guardian v2: persona fingerprints, authenticity and resonance scores, repairs, drift reports."""
