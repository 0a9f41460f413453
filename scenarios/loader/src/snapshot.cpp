// Placeholder for the snapshot loader.
