"""The patient portal (one-time sign-in links, the patient's own record) and the public
self-check ("Is acupuncture a good idea for my back pain?")."""
