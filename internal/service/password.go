package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/opusblocks/opus/internal/domain"
)

// Passwords are hashed with argon2id and stored as a PHC string,
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// (salt and hash in unpadded standard base64), so each hash carries the
// parameters it was made with: raising them later leaves old hashes
// verifiable, and a login with an old hash rehashes it with the new ones.

// ArgonParams are argon2id's cost parameters.
type ArgonParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// PasswordParams are the parameters new hashes are made with: OWASP's
// first argon2id configuration (19 MiB, 2 passes, 1 lane), a 16-byte
// random salt per hash and a 32-byte key.
var PasswordParams = ArgonParams{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password policy.
const (
	MinPasswordChars = 12
	MaxPasswordBytes = 1024
)

// Bounds on the parameters a stored hash may ask for, so that a damaged or
// planted hash cannot make a login allocate gigabytes or spin for minutes.
const (
	maxArgonMemory = 1 << 20 // KiB (1 GiB)
	maxArgonTime   = 64
)

// hashSlots bounds the hashes computed at once in this process: each
// takes PasswordParams.Memory, and a burst of logins must not take the
// server's memory with it. Callers wait their turn (or their context).
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func acquireHashSlot(ctx context.Context) (func(), error) {
	select {
	case hashSlots <- struct{}{}:
		return func() { <-hashSlots }, nil
	case <-ctx.Done():
		return nil, domain.Wrap(ctx.Err(), domain.Cancelled, "cancelled")
	}
}

// normalizePassword is how a password is compared: NFKC (NIST SP 800-63B),
// so the same password typed through different input methods is the same.
func normalizePassword(pw string) string { return norm.NFKC.String(pw) }

// hashPassword hashes a (normalised) password with p and a fresh salt.
func hashPassword(ctx context.Context, password string, p ArgonParams) (string, error) {
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand)
	release, err := acquireHashSlot(ctx)
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parsePHC reads an argon2id PHC string; any other is an error naming what
// is wrong (never the hash).
func parsePHC(s string) (ArgonParams, []byte, []byte, error) {
	var p ArgonParams
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return p, nil, nil, fmt.Errorf("bad parameter %q", kv)
		}
		seen[k] = true
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, nil, nil, fmt.Errorf("bad parameter %q", kv)
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, fmt.Errorf("bad parameter %q", kv)
			}
			p.Threads = uint8(n)
		default:
			return p, nil, nil, fmt.Errorf("unknown parameter %q", k)
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] {
		return p, nil, nil, fmt.Errorf("parameters m, t and p are required")
	}
	if p.Threads < 1 || p.Time < 1 || p.Time > maxArgonTime || p.Memory < 8*uint32(p.Threads) || p.Memory > maxArgonMemory {
		return p, nil, nil, fmt.Errorf("parameters out of range (m=%d, t=%d, p=%d)", p.Memory, p.Time, p.Threads)
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, fmt.Errorf("bad salt")
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("bad hash")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// verifyPassword reports whether password matches the PHC string encoded,
// comparing in constant time, and whether encoded was made with parameters
// other than PasswordParams (so it should be rehashed).
func verifyPassword(ctx context.Context, password, encoded string) (match, stale bool, err error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, false, domain.Wrap(err, domain.Internal, "a stored password hash is damaged: %v", err)
	}
	release, err := acquireHashSlot(ctx)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	release()
	match = subtle.ConstantTimeCompare(got, want) == 1
	return match, p != PasswordParams, nil
}

// dummyHash is verified against when a login names no account (or one
// without a password), so that the answer takes as long as a wrong
// password does.
var dummyHash = sync.OnceValue(func() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	h, err := hashPassword(context.Background(), base64.RawStdEncoding.EncodeToString(b[:]), PasswordParams)
	if err != nil {
		panic(err) // only a cancelled context fails, and this one never is
	}
	return h
})

// checkPassword applies the password policy to a normalised password for
// the account email. Messages never repeat the password.
func checkPassword(email, pw string) error {
	if !utf8.ValidString(pw) {
		return domain.Errorf(domain.Invalid, "the password is not valid UTF-8")
	}
	if len(pw) > MaxPasswordBytes {
		return domain.Errorf(domain.Invalid, "the password is too long (at most %d bytes)", MaxPasswordBytes)
	}
	if n := utf8.RuneCountInString(pw); n < MinPasswordChars {
		return domain.Errorf(domain.Invalid, "the password is too short: use at least %d characters (it has %d)", MinPasswordChars, n)
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return domain.Errorf(domain.Invalid, "the password holds a control character (a line break or tab?)")
		}
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return domain.Errorf(domain.Invalid, "the password is one character repeated")
	}
	lower := strings.ToLower(strings.TrimSpace(pw))
	local, _, _ := strings.Cut(email, "@")
	if lower == email || lower == local {
		return domain.Errorf(domain.Invalid, "the password must not be the email address or its user name")
	}
	return nil
}
