"""Outcomes and course management: measure (pain, function, sleep, analgesics, workdays),
decide progress at reassessment, schedule the course, ask patients between visits through a
single-use link, chart it all, and watch safety across the clinic."""
