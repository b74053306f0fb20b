package service

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/opusblocks/opus/internal/domain"
)

// LoginLimits throttle password guessing, per account and per client
// address. Each key may fail Free times; after that each attempt waits
// Base after the key's last failure, doubling with every further failure
// up to Max. A key's failures are forgotten Forget after its last one, and
// an account's at its next successful login. An attempt counts as a
// failure from the moment it starts (a success gives it back), so a burst
// of concurrent guesses is throttled like a sequence of them. Unknown
// accounts are counted like known ones, so throttling says nothing about
// which exist.
//
// The state is in memory, per process: several `opus serve` processes
// each throttle on their own.
type LoginLimits struct {
	AccountFree int
	AddressFree int
	Base, Max   time.Duration
	Forget      time.Duration
	// MaxKeys bounds the memory: past it, forgotten and unblocked keys are
	// dropped first.
	MaxKeys int
}

// DefaultLoginLimits: 5 failures per account and 20 per address freely,
// then 1 s, 2 s, 4 s, … up to 15 min between attempts; forgotten after an
// hour without failures.
var DefaultLoginLimits = LoginLimits{AccountFree: 5, AddressFree: 20, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour, MaxKeys: 100_000}

// RetryAfterError is the cause of a RateLimited error: when to try again.
type RetryAfterError struct{ After time.Duration }

func (e *RetryAfterError) Error() string { return fmt.Sprintf("retry after %s", e.After) }

// RetryAfter reports how long a throttled caller should wait (for an HTTP
// Retry-After header), and whether err is such an error.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) {
		return ra.After, true
	}
	return 0, false
}

func throttled(after time.Duration) error {
	// Whole seconds, rounded up: what Retry-After can say.
	after = ((after + time.Second - 1) / time.Second) * time.Second
	return domain.Wrap(&RetryAfterError{After: after}, domain.RateLimited,
		"too many failed logins; try again in %s", after)
}

type strikes struct {
	n    int
	last time.Time
}

// throttle is the in-memory state behind LoginLimits.
type throttle struct {
	mu     sync.Mutex
	limits LoginLimits
	keys   map[string]*strikes
}

func newThrottle(l LoginLimits) *throttle {
	return &throttle{limits: l, keys: map[string]*strikes{}}
}

// outcome is how a login attempt ended, for the throttle.
type outcome int

const (
	failed    outcome = iota // wrong password, unknown or disabled account
	succeeded                // the account's failures are forgotten
	neither                  // the attempt could not be judged (database down, cancelled)
)

// wait is how long key must still wait at now, having free failures.
func (t *throttle) wait(s *strikes, free int, now time.Time) time.Duration {
	if s == nil || s.n < free {
		return 0
	}
	lock := t.limits.Max
	if shift := s.n - free; shift < 30 {
		lock = min(t.limits.Base<<shift, t.limits.Max)
	}
	return max(0, s.last.Add(lock).Sub(now))
}

func (t *throttle) get(key string, now time.Time) *strikes {
	s := t.keys[key]
	if s != nil && now.Sub(s.last) >= t.limits.Forget {
		delete(t.keys, key)
		return nil
	}
	return s
}

// begin starts an attempt on account from addr ("" when there is none):
// either it returns how long to wait, or it counts the attempt as a
// failure and returns the function that settles it.
func (t *throttle) begin(account, addr string, now time.Time) (done func(outcome), retry time.Duration) {
	type keyed struct {
		key  string
		free int
	}
	keys := []keyed{{"account " + account, t.limits.AccountFree}}
	if a := addressKey(addr); a != "" {
		keys = append(keys, keyed{"address " + a, t.limits.AddressFree})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		retry = max(retry, t.wait(t.get(k.key, now), k.free, now))
	}
	if retry > 0 {
		return nil, retry
	}
	if len(t.keys)+len(keys) > t.limits.MaxKeys {
		t.prune(now)
	}
	held := make([]*strikes, len(keys))
	for i, k := range keys {
		s := t.get(k.key, now)
		if s == nil {
			s = &strikes{}
			t.keys[k.key] = s
		}
		s.n++
		s.last = now
		held[i] = s
	}
	var once sync.Once
	return func(o outcome) {
		once.Do(func() {
			if o == failed {
				return
			}
			t.mu.Lock()
			defer t.mu.Unlock()
			for i, k := range keys {
				if t.keys[k.key] != held[i] { // forgotten meanwhile
					continue
				}
				if i == 0 && o == succeeded {
					delete(t.keys, k.key)
					continue
				}
				held[i].n = max(0, held[i].n-1)
			}
		})
	}, 0
}

// prune drops forgotten keys, then keys not waiting, then (should an
// attack still fill the map) any, so memory stays bounded.
func (t *throttle) prune(now time.Time) {
	for k, s := range t.keys {
		if now.Sub(s.last) >= t.limits.Forget {
			delete(t.keys, k)
		}
	}
	for k, s := range t.keys {
		if len(t.keys) < t.limits.MaxKeys*9/10 {
			return
		}
		free := t.limits.AccountFree
		if strings.HasPrefix(k, "address ") {
			free = t.limits.AddressFree
		}
		if t.wait(s, free, now) == 0 {
			delete(t.keys, k)
		}
	}
	for k := range t.keys {
		if len(t.keys) < t.limits.MaxKeys*9/10 {
			return
		}
		delete(t.keys, k)
	}
}

// addressKey is the throttling key of a client address ("host:port" or a
// bare host): the IP, or its /64 for IPv6, where one client usually holds
// the whole prefix. Anything else is used as it is.
func addressKey(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return ""
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
