"""IONFLUX core: the domain model, the local store and the services. No Qt, no network."""
