"""Settings and the regulation file, validated into `sla` objects."""
