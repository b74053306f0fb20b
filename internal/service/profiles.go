package service

import (
	"context"
	"regexp"
	"strings"

	"github.com/opusblocks/opus/internal/domain"
)

// DefaultProfile is the profile a local user starts in; it is created on
// first use. Any other profile must be added first, so a mistyped
// --profile cannot silently open a new, empty tenant.
const DefaultProfile = "default"

var profileName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// profileKey is a profile's name as stored: names are case-insensitive.
func profileKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Profile resolves a CLI profile, the owner of everything a local user
// does. Only the default profile is created on first use; another name
// that does not exist is an error that names the fix.
func (s *Service) Profile(ctx context.Context, name string) (domain.Owner, error) {
	key := profileKey(name)
	if key == "" {
		return domain.Owner{}, domain.Errorf(domain.Invalid, "profile name is empty")
	}
	if key == DefaultProfile {
		return s.db.EnsureOwner(ctx, "profile", key)
	}
	o, err := s.db.FindOwner(ctx, "profile", key)
	if domain.ErrorCode(err) == domain.NotFound {
		return o, domain.Errorf(domain.NotFound, "profile %q does not exist; create it with 'opus profile add %s' (see 'opus profile list')", name, key)
	}
	return o, err
}

// Profiles lists the profiles.
func (s *Service) Profiles(ctx context.Context) ([]domain.Owner, error) {
	return s.db.Owners(ctx, "profile")
}

// AddProfile creates a profile; names are letters, digits, '.', '_' and
// '-', compared without case.
func (s *Service) AddProfile(ctx context.Context, name string) (domain.Owner, error) {
	key := profileKey(name)
	if !profileName.MatchString(key) {
		return domain.Owner{}, domain.Errorf(domain.Invalid, "profile name %q: use letters, digits, '.', '_' or '-' (at most 64)", name)
	}
	if o, err := s.db.FindOwner(ctx, "profile", key); err == nil {
		return o, domain.Errorf(domain.Conflict, "profile %q already exists", o.Name)
	}
	return s.db.EnsureOwner(ctx, "profile", key)
}
