package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// Fault 3 (issue 10): one address gets Burst boards at once, through the API
// and GET /new alike, then 429 with Retry-After and a reason; another
// address is not affected; the budget refills with time.
func TestBoardCreationIsRateLimitedPerAddress(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := &fixedClock{t: now}
	app := newTestApp(t, func(_ *session.Config, o *Options) {
		o.CreateLimit = CreateLimit{PerMinute: 6, Burst: 3}
		o.Now = clock.Now
	})
	create := func() (int, string, http.Header) {
		return request(t, http.MethodPost, app.URL+"/api/boards", "", http.Header{"Content-Type": {"application/json"}}, `{}`)
	}
	for i := range 2 {
		if status, body, _ := create(); status != http.StatusCreated {
			t.Fatalf("board %d: %d %s", i+1, status, body)
		}
	}
	if status, _, _ := request(t, http.MethodGet, app.URL+"/new", "", nil, ""); status != http.StatusSeeOther {
		t.Fatalf("GET /new within the burst = %d", status)
	}
	status, body, header := create()
	if status != http.StatusTooManyRequests || !strings.Contains(body, "rate_limited") || !strings.Contains(body, "too many boards") {
		t.Fatalf("board past the burst: %d %s, want 429 rate_limited with a reason", status, body)
	}
	if secs, err := strconv.Atoi(header.Get("Retry-After")); err != nil || secs < 1 || secs > 10 {
		t.Errorf("Retry-After = %q, want the seconds until the next token (10 at 6/min)", header.Get("Retry-After"))
	}
	if status, body, _ := request(t, http.MethodGet, app.URL+"/new", "", nil, ""); status != http.StatusTooManyRequests {
		t.Errorf("GET /new past the burst = %d %s, want 429", status, body)
	}
	if n := boardsCreated(app); n != 3 {
		t.Errorf("%d boards created, want the burst of 3", n)
	}
	clock.advance(10 * time.Second) // one token at 6 per minute
	if status, body, _ := create(); status != http.StatusCreated {
		t.Errorf("after 10 s: %d %s, want 201", status, body)
	}
	if status, _, _ := create(); status != http.StatusTooManyRequests {
		t.Errorf("the refilled token was spent, but the next board got %d", status)
	}
}

func TestRateLimiterForgetsRefilledAddressesAndStaysBounded(t *testing.T) {
	l := newAddrRateLimiter(CreateLimit{PerMinute: 60, Burst: 2}, 3)
	now := time.Unix(0, 0)
	for i := range 10 {
		if ok, _ := l.take("10.0.0."+strconv.Itoa(i), now); !ok {
			t.Fatalf("a new address was refused")
		}
		if len(l.buckets) > 3 {
			t.Fatalf("%d buckets tracked, want at most 3", len(l.buckets))
		}
	}
	l.take("a", now)
	l.take("a", now)
	if ok, wait := l.take("a", now); ok || wait != time.Second {
		t.Fatalf("third take of a burst of 2 at 1/s: ok=%v wait=%v, want refused for 1s", ok, wait)
	}
	// Refilled addresses are forgotten first when the map is full.
	later := now.Add(time.Minute)
	l.take("b", later)
	if _, ok := l.buckets["a"]; ok {
		t.Errorf("a refilled bucket survived a sweep: %v", l.buckets)
	}
}

func TestRateKeyGroupsAnIPv6Slash64(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7:4000":              "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:4000": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:4000": "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:4000":     "192.0.2.7",
	} {
		if got := rateKey(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("rateKey(%s) = %s, want %s", addr, got, want)
		}
	}
}

// fixedClock is a clock the test moves.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
