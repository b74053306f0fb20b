package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

// Accounts of `opus serve`: users (owners of kind "user", named by their
// email), their passwords, and the bearer tokens requests carry.
//
//   - Emails are trimmed, lower-cased (NFC) and unique; passwords are
//     NFKC-normalised, held to a policy (checkPassword) and stored only as
//     argon2id PHC strings (password.go).
//   - A token is "opus_" + 43 characters of unpadded base64url (32 random
//     bytes); it is shown once, and the database keeps only its SHA-256 in
//     hex, with a short random id to list and revoke it by.
//   - Login and Authenticate fail with one Unauthenticated message whatever
//     went wrong; Login takes as long for an unknown account as for a wrong
//     password (a dummy hash is verified) and is throttled (throttle.go).
//   - Disabling an account and changing its password revoke its tokens.

// Token lifetimes.
const (
	TokenPrefix      = "opus_"
	DefaultTokenTTL  = 90 * 24 * time.Hour
	DefaultLoginTTL  = 7 * 24 * time.Hour
	MinTokenTTL      = time.Minute
	MaxTokenTTL      = 366 * 24 * time.Hour
	tokenBytes       = 32
	tokenIDBytes     = 6
	maxTokenName     = 100
	touchEvery       = time.Minute
	maxEmailBytes    = 254
	maxEmailLocalLen = 64
)

// Token states.
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// User is an account as the CLI and the API show it.
type User struct {
	Email        string       `json:"email"`
	Disabled     bool         `json:"disabled"`
	CreatedAt    domain.Time  `json:"created_at"`
	DisabledAt   *domain.Time `json:"disabled_at,omitempty"`
	ActiveTokens int          `json:"active_tokens"`
}

// TokenInfo is what is shown of a token: never the token itself.
type TokenInfo struct {
	ID         string       `json:"id"`
	User       string       `json:"user"`
	Name       string       `json:"name"`
	State      string       `json:"state"` // active, expired or revoked
	CreatedAt  domain.Time  `json:"created_at"`
	ExpiresAt  *domain.Time `json:"expires_at,omitempty"`
	LastUsedAt *domain.Time `json:"last_used_at,omitempty"`
	RevokedAt  *domain.Time `json:"revoked_at,omitempty"`
}

// NewToken is a token just made: Token is the only copy of it there will
// ever be. It prints and logs without it.
type NewToken struct {
	TokenInfo
	Token string `json:"token"`
}

// String leaves the token out of any %v.
func (t NewToken) String() string { return "token " + t.ID + " of " + t.User }

// LogValue leaves the token out of any log line.
func (t NewToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", t.ID), slog.String("user", t.User))
}

// LoginInput is one login attempt. ClientAddr is the client's address as
// the HTTP layer sees it ("ip:port" or "ip"; "" when there is none) and
// keys the per-address throttle. TTL is the session token's lifetime
// (DefaultLoginTTL when 0); Name labels it ("login" when empty).
type LoginInput struct {
	Email      string
	Password   string
	ClientAddr string
	TTL        time.Duration
	Name       string
}

// String leaves the password out of any %v.
func (in LoginInput) String() string { return "login " + in.Email + " from " + in.ClientAddr }

// LogValue leaves the password out of any log line.
func (in LoginInput) LogValue() slog.Value {
	return slog.GroupValue(slog.String("email", in.Email), slog.String("client", in.ClientAddr))
}

// errLogin is every failed login: wrong password, unknown account,
// disabled account.
func errLogin() error { return domain.Errorf(domain.Unauthenticated, "wrong email or password") }

// errToken is every rejected token.
func errToken() error {
	return domain.Errorf(domain.Unauthenticated, "the token is not valid (unknown, expired or revoked, or its user is disabled)")
}

// accountState is a Service's own account state: the login throttle and
// the clock (tests move it).
type accountState struct {
	throttle *throttle
	mu       sync.Mutex
	clock    func() time.Time
	// verified holds tokens checked against the database in the last
	// AuthCacheTTL, by hash: a busy client's requests cost one query,
	// not two. Anything that revokes tokens in this process clears it.
	verified map[string]verifiedToken
}

// verifiedToken is a token found valid, and until when that holds.
type verifiedToken struct {
	actor Actor
	until time.Time
}

// AuthCacheTTL is how long a token found valid is taken as valid without
// asking the database again. A token revoked, or a user disabled, by
// another process (opus token revoke, opus user disable on the server's
// database) stops working within this time; in this process, at once.
const AuthCacheTTL = 2 * time.Second

// maxVerified bounds the tokens remembered; past it the memory starts
// afresh.
const maxVerified = 10000

// remembered returns the actor of a token found valid within AuthCacheTTL.
func (st *accountState) remembered(hash string, now time.Time) (Actor, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	v, ok := st.verified[hash]
	if !ok || !now.Before(v.until) {
		return Actor{}, false
	}
	return v.actor, true
}

// remember records a token found valid, until AuthCacheTTL from now or its
// expiry, whichever is first.
func (st *accountState) remember(hash string, a Actor, now time.Time, expires *domain.Time) {
	until := now.Add(AuthCacheTTL)
	if expires != nil && expires.Before(until) {
		until = expires.Time
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.verified == nil || len(st.verified) >= maxVerified {
		st.verified = map[string]verifiedToken{}
	}
	st.verified[hash] = verifiedToken{actor: a, until: until}
}

// forget clears the remembered tokens: a token or user was revoked here.
func (st *accountState) forget() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.verified = nil
}

func (st *accountState) now() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.clock().UTC().Truncate(time.Microsecond)
}

// accounts returns s's account state (the login throttle and the clock),
// made on first use.
func (s *Service) accounts() *accountState {
	s.accountsOnce.Do(func() {
		clock := s.cfg.Clock
		if clock == nil {
			clock = time.Now
		}
		s.acct = &accountState{throttle: newThrottle(DefaultLoginLimits), clock: clock}
	})
	return s.acct
}

// accountsDB is the database accounts live in.
func (s *Service) accountsDB() *store.DB { return s.db }

// NormalizeEmail is an email as accounts are keyed: trimmed, NFC,
// lower-cased, and a plain address (no name, no quotes, no spaces).
func NormalizeEmail(email string) (string, error) {
	e := emailKey(email)
	bad := func(why string) error {
		return domain.Errorf(domain.Invalid, "email %q is not a valid address: %s", email, why)
	}
	if e == "" {
		return "", domain.Errorf(domain.Invalid, "the email is empty")
	}
	if !utf8.ValidString(e) || len(e) > maxEmailBytes {
		return "", bad("too long or not UTF-8")
	}
	for _, r := range e {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", bad("it holds spaces or invisible characters")
		}
	}
	local, domainPart, ok := strings.Cut(e, "@")
	if !ok || local == "" || domainPart == "" || strings.Contains(domainPart, "@") {
		return "", bad("use name@example.org")
	}
	if len(local) > maxEmailLocalLen {
		return "", bad("the part before @ is longer than 64 characters")
	}
	if strings.HasPrefix(domainPart, ".") || strings.HasSuffix(domainPart, ".") || strings.Contains(domainPart, "..") {
		return "", bad("the domain is malformed")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return "", bad("use name@example.org")
	}
	return e, nil
}

// emailKey is how an email is compared: trimmed, NFC, lower-cased.
func emailKey(email string) string { return strings.ToLower(norm.NFC.String(strings.TrimSpace(email))) }

// findUser looks up an account by the email given on a command line.
func (s *Service) findUser(ctx context.Context, email string) (store.User, error) {
	e := emailKey(email)
	if e == "" {
		return store.User{}, domain.Errorf(domain.Invalid, "the email is empty")
	}
	return s.accountsDB().UserByEmail(ctx, e, s.nowTime())
}

func (s *Service) nowTime() domain.Time { return domain.Time{Time: s.accounts().now()} }

func toUser(u store.User) User {
	return User{Email: u.Email, Disabled: u.DisabledAt != nil, CreatedAt: u.CreatedAt, DisabledAt: u.DisabledAt, ActiveTokens: u.ActiveTokens}
}

// AddUser creates an account. The email must be a plain address not yet
// taken in any letter case (Conflict otherwise); the password must pass the
// policy: at least MinPasswordChars characters, not the email or its user
// name, no control characters, not one character repeated.
func (s *Service) AddUser(ctx context.Context, email, password string) (User, error) {
	u, err := s.addUser(ctx, email, password)
	if err != nil {
		return User{}, err
	}
	return toUser(u), nil
}

func (s *Service) addUser(ctx context.Context, email, password string) (store.User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, err
	}
	pw := normalizePassword(password)
	if err := checkPassword(e, pw); err != nil {
		return store.User{}, err
	}
	if _, err := s.accountsDB().UserByEmail(ctx, e, s.nowTime()); err == nil {
		return store.User{}, domain.Errorf(domain.Conflict, "user %s already exists", e)
	} else if domain.ErrorCode(err) != domain.NotFound {
		return store.User{}, err
	}
	h, err := hashPassword(ctx, pw, PasswordParams)
	if err != nil {
		return store.User{}, err
	}
	return s.accountsDB().CreateUser(ctx, e, h)
}

// Users lists the accounts by email.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	us, err := s.accountsDB().Users(ctx, s.nowTime())
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(us))
	for _, u := range us {
		out = append(out, toUser(u))
	}
	return out, nil
}

// User shows one account.
func (s *Service) User(ctx context.Context, email string) (User, error) {
	u, err := s.findUser(ctx, email)
	return toUser(u), err
}

// DisableUser disables an account: it can no longer log in, and its tokens
// are revoked (so enabling it again does not bring them back). It returns
// the account and how many tokens were revoked; disabling a disabled
// account changes nothing.
func (s *Service) DisableUser(ctx context.Context, email string) (User, int, error) {
	u, err := s.findUser(ctx, email)
	if err != nil {
		return User{}, 0, err
	}
	if u.DisabledAt != nil {
		return toUser(u), 0, nil
	}
	at := s.nowTime()
	defer s.accounts().forget()
	n, err := s.accountsDB().SetUserDisabled(ctx, u.ID, &at)
	if err != nil {
		return User{}, 0, err
	}
	u, err = s.findUser(ctx, email)
	return toUser(u), int(n), err
}

// EnableUser lets a disabled account log in again (its old tokens stay
// revoked).
func (s *Service) EnableUser(ctx context.Context, email string) (User, error) {
	u, err := s.findUser(ctx, email)
	if err != nil {
		return User{}, err
	}
	if u.DisabledAt == nil {
		return toUser(u), nil
	}
	if _, err := s.accountsDB().SetUserDisabled(ctx, u.ID, nil); err != nil {
		return User{}, err
	}
	u, err = s.findUser(ctx, email)
	return toUser(u), err
}

// SetPassword replaces an account's password (held to the same policy as
// AddUser) and revokes all its tokens, session and pipeline tokens alike:
// a password is changed when it may be known to someone else, and tokens
// got with it must end with it. It returns how many tokens were revoked.
func (s *Service) SetPassword(ctx context.Context, email, password string) (User, int, error) {
	u, err := s.findUser(ctx, email)
	if err != nil {
		return User{}, 0, err
	}
	pw := normalizePassword(password)
	if err := checkPassword(u.Email, pw); err != nil {
		return User{}, 0, err
	}
	h, err := hashPassword(ctx, pw, PasswordParams)
	if err != nil {
		return User{}, 0, err
	}
	defer s.accounts().forget()
	n, err := s.accountsDB().SetPasswordHash(ctx, u.ID, h, true)
	if err != nil {
		return User{}, 0, err
	}
	u, err = s.findUser(ctx, email)
	return toUser(u), int(n), err
}

// Login checks an email and password and returns a new session token.
// Every failure is the same Unauthenticated error, after the same work;
// too many failures for the account or from in.ClientAddr are RateLimited,
// with RetryAfter(err) saying when to try again.
func (s *Service) Login(ctx context.Context, in LoginInput) (NewToken, error) {
	st := s.accounts()
	email := emailKey(in.Email)
	if len(email) > maxEmailBytes {
		email = email[:maxEmailBytes]
	}
	ttl, err := tokenTTL(in.TTL, DefaultLoginTTL)
	if err != nil {
		return NewToken{}, err
	}
	name := in.Name
	if name == "" {
		name = "login"
	}
	if err := checkTokenName(name); err != nil {
		return NewToken{}, err
	}
	dummy := dummyHash() // made at the first login, whichever it is, so none takes longer
	done, wait := st.throttle.begin(email, in.ClientAddr, st.now())
	if wait > 0 {
		return NewToken{}, throttled(wait)
	}
	result := neither
	defer func() { done(result) }()

	pw := normalizePassword(in.Password)
	if len(pw) > MaxPasswordBytes {
		result = failed
		return NewToken{}, errLogin()
	}
	u, hash, err := s.accountsDB().UserForLogin(ctx, email)
	known := err == nil && hash != ""
	if err != nil && domain.ErrorCode(err) != domain.NotFound {
		return NewToken{}, err
	}
	if !known {
		hash = dummy
	}
	match, stale, err := verifyPassword(ctx, pw, hash)
	if err != nil {
		return NewToken{}, err
	}
	if !known || !match || u.DisabledAt != nil {
		result = failed
		return NewToken{}, errLogin()
	}
	result = succeeded
	if stale { // made with older parameters: rehash with the current ones
		if h, err := hashPassword(ctx, pw, PasswordParams); err == nil {
			_, _ = s.accountsDB().SetPasswordHash(ctx, u.ID, h, false)
		}
	}
	return s.issueToken(ctx, u, name, ttl)
}

// Signup creates an account and logs it in: self sign-up, which a server
// offers only when told to (opus serve --allow-signup). Every sign-up
// counts against its client address in the login throttle, so one address
// cannot create accounts in bulk; the rules of AddUser apply.
func (s *Service) Signup(ctx context.Context, in LoginInput) (NewToken, error) {
	st := s.accounts()
	done, wait := st.throttle.begin("signup "+emailKey(in.Email), in.ClientAddr, st.now())
	if wait > 0 {
		return NewToken{}, throttled(wait)
	}
	defer done(failed) // a strike whatever the outcome: creating accounts is what is limited
	u, err := s.addUser(ctx, in.Email, in.Password)
	if err != nil {
		return NewToken{}, err
	}
	return s.issueToken(ctx, u, "signup", DefaultLoginTTL)
}

// CreateToken makes a token for an account, for pipelines: name labels it,
// ttl is its lifetime (DefaultTokenTTL when 0; between MinTokenTTL and
// MaxTokenTTL). The token is in the result and nowhere else.
func (s *Service) CreateToken(ctx context.Context, email, name string, ttl time.Duration) (NewToken, error) {
	u, err := s.findUser(ctx, email)
	if err != nil {
		return NewToken{}, err
	}
	if u.DisabledAt != nil {
		return NewToken{}, domain.Errorf(domain.Conflict, "user %s is disabled; enable it first ('opus user enable %s')", u.Email, u.Email)
	}
	if ttl, err = tokenTTL(ttl, DefaultTokenTTL); err != nil {
		return NewToken{}, err
	}
	if err := checkTokenName(name); err != nil {
		return NewToken{}, err
	}
	return s.issueToken(ctx, u, strings.TrimSpace(name), ttl)
}

func tokenTTL(ttl, def time.Duration) (time.Duration, error) {
	if ttl == 0 {
		return def, nil
	}
	if ttl < MinTokenTTL || ttl > MaxTokenTTL {
		return 0, domain.Errorf(domain.Invalid, "a token's lifetime must be between a minute and %d days (got %s)", MaxTokenTTL/(24*time.Hour), days(ttl))
	}
	return ttl, nil
}

// days writes a lifetime in days when it is whole days.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func checkTokenName(name string) error {
	if len(name) > maxTokenName || !utf8.ValidString(name) {
		return domain.Errorf(domain.Invalid, "a token's name is at most %d bytes of UTF-8", maxTokenName)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return domain.Errorf(domain.Invalid, "a token's name must not hold control or invisible characters")
		}
	}
	return nil
}

// issueToken draws a token and stores its hash.
func (s *Service) issueToken(ctx context.Context, u store.User, name string, ttl time.Duration) (NewToken, error) {
	now := s.nowTime()
	exp := domain.Time{Time: now.Add(ttl)}
	for attempt := 0; ; attempt++ {
		var secret [tokenBytes]byte
		var id [tokenIDBytes]byte
		_, _ = rand.Read(secret[:]) // never fails (crypto/rand)
		_, _ = rand.Read(id[:])
		token := TokenPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
		row := store.Token{ID: hex.EncodeToString(id[:]), Hash: tokenHash(token), OwnerID: u.ID, Email: u.Email, Name: name, CreatedAt: now, ExpiresAt: &exp}
		err := s.accountsDB().CreateToken(ctx, row)
		if domain.ErrorCode(err) == domain.Conflict && attempt < 3 { // an id drawn twice
			continue
		}
		if err != nil {
			return NewToken{}, err
		}
		return NewToken{TokenInfo: s.tokenInfo(row), Token: token}, nil
	}
}

// tokenHash is what is stored of a token: its SHA-256, in hex.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether token could be one opus made, so that junk
// costs no database query.
func wellFormed(token string) bool {
	secret, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok || len(secret) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(secret)
	return err == nil && len(b) == tokenBytes
}

func (s *Service) tokenInfo(t store.Token) TokenInfo {
	info := TokenInfo{ID: t.ID, User: t.Email, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt, State: TokenActive}
	switch {
	case t.RevokedAt != nil:
		info.State = TokenRevoked
	case t.ExpiresAt != nil && !s.accounts().now().Before(t.ExpiresAt.Time):
		info.State = TokenExpired
	}
	return info
}

// Authenticate resolves a bearer token to the actor of its account: the
// token must exist (compared by its SHA-256), be neither expired nor
// revoked, and belong to an account that is not disabled. Anything else is
// one Unauthenticated error. The token's last_used_at is updated at most
// once a minute. The actor's TraceID is the caller's to set.
func (s *Service) Authenticate(ctx context.Context, token string) (Actor, error) {
	if !wellFormed(token) {
		return Actor{}, errToken()
	}
	h := tokenHash(token)
	st := s.accounts()
	if a, ok := st.remembered(h, st.now()); ok {
		return a, nil
	}
	t, err := s.accountsDB().TokenByHash(ctx, h)
	if domain.ErrorCode(err) == domain.NotFound {
		return Actor{}, errToken()
	}
	if err != nil {
		return Actor{}, err
	}
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) != 1 || t.OwnerKind != store.KindUser ||
		t.OwnerDisabledAt != nil || s.tokenInfo(t).State != TokenActive {
		return Actor{}, errToken()
	}
	now := s.nowTime()
	if t.LastUsedAt == nil || now.Sub(t.LastUsedAt.Time) >= touchEvery {
		// Best effort: a request is not refused because this write failed.
		_ = s.accountsDB().TouchToken(ctx, h, now, domain.Time{Time: now.Add(-touchEvery)})
	}
	a := Actor{OwnerID: t.OwnerID}
	st.remember(h, a, now.Time, t.ExpiresAt)
	return a, nil
}

// Logout revokes the token the caller presents (a session ending).
func (s *Service) Logout(ctx context.Context, token string) error {
	if _, err := s.Authenticate(ctx, token); err != nil {
		return err
	}
	defer s.accounts().forget()
	return s.accountsDB().RevokeTokenByHash(ctx, tokenHash(token))
}

// ListTokens lists an account's tokens, newest first; never the tokens.
func (s *Service) ListTokens(ctx context.Context, email string) ([]TokenInfo, error) {
	u, err := s.findUser(ctx, email)
	if err != nil {
		return nil, err
	}
	return s.listTokens(ctx, u.ID)
}

// ActorTokens lists the caller's own tokens (for the API).
func (s *Service) ActorTokens(ctx context.Context, a Actor) ([]TokenInfo, error) {
	return s.listTokens(ctx, a.OwnerID)
}

func (s *Service) listTokens(ctx context.Context, ownerID string) ([]TokenInfo, error) {
	ts, err := s.accountsDB().Tokens(ctx, ownerID)
	if err != nil {
		return nil, err
	}
	out := make([]TokenInfo, 0, len(ts))
	for _, t := range ts {
		out = append(out, s.tokenInfo(t))
	}
	return out, nil
}

// RevokeToken revokes any account's token by its id (the administrator's
// CLI). Revoking a revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, id string) (TokenInfo, error) {
	return s.revokeToken(ctx, "", id)
}

// RevokeActorToken revokes one of the caller's own tokens; another
// account's token is NotFound, as a token that does not exist.
func (s *Service) RevokeActorToken(ctx context.Context, a Actor, id string) (TokenInfo, error) {
	if a.OwnerID == "" {
		return TokenInfo{}, errToken()
	}
	return s.revokeToken(ctx, a.OwnerID, id)
}

func (s *Service) revokeToken(ctx context.Context, ownerID, id string) (TokenInfo, error) {
	key := strings.ToLower(strings.TrimSpace(id))
	if _, err := hex.DecodeString(key); err != nil || len(key) != 2*tokenIDBytes {
		if strings.HasPrefix(id, TokenPrefix) {
			return TokenInfo{}, domain.Errorf(domain.Invalid, "give the token's id (see 'opus token list'), not the token")
		}
		return TokenInfo{}, domain.Errorf(domain.NotFound, "token %q does not exist (ids are %d hex digits; see 'opus token list')", id, 2*tokenIDBytes)
	}
	defer s.accounts().forget()
	t, err := s.accountsDB().RevokeToken(ctx, ownerID, key)
	if err != nil {
		return TokenInfo{}, err
	}
	return s.tokenInfo(t), nil
}
