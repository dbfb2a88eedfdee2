"""The clinic calendar: day and week views per practitioner; booking, moving and cancelling
visits under the course's rules (``booking.services``), on the pages and in the API."""
