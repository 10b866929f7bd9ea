"""Reception days, appointments, check-ins and reception records."""
