package conformance

// Version of the tool, as reports carry it.
const Version = "v0.1.0"
