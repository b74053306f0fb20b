package service

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"192.0.2.1:5555":            "192.0.2.1",
		"192.0.2.1":                 "192.0.2.1",
		"[::ffff:192.0.2.1]:80":     "192.0.2.1",
		"[2001:db8:1:2::5]:443":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::1": "2001:db8:1:2::/64",
		"[fe80::1%eth0]:22":         "fe80::/64",
		"@/run/opus.sock":           "@/run/opus.sock",
		" 198.51.100.7:1 ":          "198.51.100.7",
	} {
		assert.Equal(t, want, addressKey(in), "%q", in)
	}
}

// An attacker naming endless accounts from endless addresses cannot grow
// the throttle without bound, and keys still waiting survive pruning.
func TestThrottleMemoryIsBounded(t *testing.T) {
	l := LoginLimits{AccountFree: 1, AddressFree: 1, Base: time.Hour, Max: time.Hour, Forget: 2 * time.Hour, MaxKeys: 100}
	th := newThrottle(l)
	now := time.Unix(1_700_000_000, 0)
	done, wait := th.begin("victim@example.org", "", now)
	assert.Zero(t, wait)
	done(failed)
	for i := range 10_000 {
		if done, _ := th.begin(fmt.Sprintf("u%d@example.org", i), fmt.Sprintf("10.0.%d.%d", i/256%256, i%256), now); done != nil {
			done(neither)
		}
	}
	assert.LessOrEqual(t, len(th.keys), l.MaxKeys)
	_, wait = th.begin("victim@example.org", "", now.Add(time.Minute))
	assert.Equal(t, 59*time.Minute, wait, "a waiting key is not pruned while unblocked ones remain")
}

// Outcomes: a success forgets the account and gives the address its
// attempt back; an attempt that could not be judged gives both back.
func TestThrottleOutcomes(t *testing.T) {
	l := LoginLimits{AccountFree: 2, AddressFree: 2, Base: time.Minute, Max: time.Hour, Forget: time.Hour, MaxKeys: 100}
	th := newThrottle(l)
	now := time.Unix(1_700_000_000, 0)
	for range 10 {
		done, wait := th.begin("a@example.org", "192.0.2.1", now)
		assert.Zero(t, wait)
		done(neither)
	}
	for range 10 {
		done, wait := th.begin("b@example.org", "192.0.2.2", now)
		assert.Zero(t, wait)
		done(succeeded)
	}
	done, _ := th.begin("c@example.org", "192.0.2.3", now)
	done(failed)
	done(succeeded) // settled once: the second call is ignored
	done, _ = th.begin("c@example.org", "192.0.2.3", now)
	done(failed)
	_, wait := th.begin("c@example.org", "192.0.2.4", now)
	assert.Equal(t, time.Minute, wait)
}
