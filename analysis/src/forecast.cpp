// Placeholder for the forecast library code.
