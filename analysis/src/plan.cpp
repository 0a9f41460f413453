// Placeholder for the plan library code.
