package service

import "time"

// SetAccountClock makes s's accounts read the time from now.
func SetAccountClock(s *Service, now func() time.Time) {
	st := s.accounts()
	st.mu.Lock()
	st.clock = now
	st.mu.Unlock()
}

// SetLoginLimits replaces s's login throttle (before any login).
func SetLoginLimits(s *Service, l LoginLimits) { s.accounts().throttle = newThrottle(l) }

// Password hashing, for tests that plant hashes made otherwise.
var (
	HashPassword   = hashPassword
	ParsePHC       = parsePHC
	VerifyPassword = verifyPassword
	TokenHash      = tokenHash
)
