// The WebSocket clients of the rooms benchmark (bench/rooms_load.py starts
// the servers and the players, then runs this). In Go, not Python: on the
// 2-core machine the generator shares the cores with the server it measures,
// and a Python client used more CPU than the server did per delivery.
//
// Reads the run's configuration as JSON on stdin, connects every player's
// room socket with its session cookie, makes each walk to a random tile every
// interval, and measures, for every walk, the time from sending it to each
// other client in the room receiving the server's `walk` message (matched to
// the sender's latest walk: a delivery later than the interval is understated,
// as the server's message names no request). Writes JSON
// lines on stdout: {"event": "measuring"} when the measured window starts,
// {"event": "measured"} when it ends, then {"event": "result", ...}.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

type player struct {
	URL     string `json:"url"`
	Origin  string `json:"origin"`
	Session string `json:"session"`
	Room    string `json:"room"`
}

type config struct {
	Players   []player `json:"players"`
	IntervalS float64  `json:"interval_s"`
	DurationS float64  `json:"duration_s"`
	WarmupS   float64  `json:"warmup_s"`
	ConnectS  float64  `json:"connect_s"`   // the longest wait for everyone to be in
	Side      int      `json:"side"`        // the rooms' floor is Side × Side tiles
	Entering  int      `json:"entering"`    // handshakes in flight at most
	SpawnPerS int      `json:"spawn_per_s"` // clients started a second at most
	IdleS     float64  `json:"idle_s"`      // once everyone is in, nobody walks this long
}

type result struct {
	Event     string  `json:"event"`
	Walks     int64   `json:"walks"`
	Expected  int64   `json:"expected"`
	Received  int64   `json:"received"`
	MeasuredS float64 `json:"measured_s"`
	EnteredS  float64 `json:"entered_s"`
	// By when half, nine in ten and 99 in 100 of the clients were in: a late
	// few (a straggler) look different from everyone entering slowly.
	EnteredBy  map[string]*float64 `json:"entered_by_s"`
	P50        *float64            `json:"p50_ms"`
	P90        *float64            `json:"p90_ms"`
	P99        *float64            `json:"p99_ms"`
	Max        *float64            `json:"max_ms"`
	Mean       *float64            `json:"mean_ms"`
	Failures   int64               `json:"client_failures"`
	FirstError string              `json:"first_error,omitempty"`
	Windows    []window            `json:"windows"`
}

// window is the latency of the walks sent in one stretch of the run, to show
// whether a tail is spread over the run or comes from one stall.
type window struct {
	FromS float64  `json:"from_s"`
	N     int      `json:"n"`
	P50   *float64 `json:"p50_ms"`
	P99   *float64 `json:"p99_ms"`
}

const windowS = 5

type sample struct {
	sentS float64 // seconds since base
	ms    float64
}

// run is what every client shares: the latest walk of each client, the
// room sizes and the counters.
type run struct {
	cfg       config
	base      time.Time
	sentAt    []atomic.Int64 // nanoseconds since base of each client's latest walk
	inAt      []atomic.Int64 // nanoseconds since base of each client's snapshot (0: never in)
	measured  []atomic.Bool  // whether that walk is counted
	measuring atomic.Bool
	walks     atomic.Int64
	expected  atomic.Int64
	received  atomic.Int64
	failures  atomic.Int64
	firstErr  atomic.Value
	members   map[string]*atomic.Int64 // room → connected clients
	mu        sync.RWMutex
	byUser    map[int64]int  // user id → client index
	entered   sync.WaitGroup // every client is in its room, or failed
	entering  chan struct{}  // a slot per handshake in flight (cap cfg.Entering)
	start     chan struct{}  // closed when walking starts; startAt and stopAt are set then
	startAt   time.Time
	stopAt    time.Time
	latMu     sync.Mutex
	latencies []sample
}

func (r *run) enteredBy() map[string]*float64 {
	var in []float64
	for k := range r.inAt {
		if at := r.inAt[k].Load(); at > 0 {
			in = append(in, float64(at)/1e9)
		}
	}
	sort.Float64s(in)
	return map[string]*float64{"p50": quantile(in, 0.5), "p90": quantile(in, 0.9), "p99": quantile(in, 0.99)}
}

func (r *run) fail(err error) {
	r.failures.Add(1)
	r.firstErr.CompareAndSwap(nil, err.Error())
}

func (r *run) client(i int, wg *sync.WaitGroup) {
	defer wg.Done()
	in := false
	enter := func() {
		if !in {
			in = true
			r.entered.Done()
		}
	}
	defer enter() // a client that fails before it is in does not hold the start up
	r.entering <- struct{}{}
	entering := true
	leaveQueue := func() {
		if entering {
			entering = false
			<-r.entering
		}
	}
	defer leaveQueue()
	p := r.cfg.Players[i]
	header := http.Header{"Cookie": {"sessionid=" + p.Session}, "Origin": {p.Origin}}
	dialer := websocket.Dialer{HandshakeTimeout: 60 * time.Second}
	conn, _, err := dialer.Dial(p.URL, header)
	if err != nil {
		r.fail(fmt.Errorf("connect: %w", err))
		return
	}
	defer conn.Close()
	_, first, err := conn.ReadMessage()
	if err != nil {
		r.fail(fmt.Errorf("snapshot: %w", err))
		return
	}
	you, err := snapshotYou(first)
	if err != nil {
		r.fail(fmt.Errorf("snapshot: %w", err))
		return
	}
	r.mu.Lock()
	r.byUser[you] = i
	r.mu.Unlock()
	r.inAt[i].Store(int64(time.Since(r.base)))
	room := r.members[p.Room]
	room.Add(1)
	leaveQueue()
	enter()

	done := make(chan struct{})
	go func() {
		defer close(done)
		var own []sample
		defer func() {
			r.latMu.Lock()
			r.latencies = append(r.latencies, own...)
			r.latMu.Unlock()
		}()
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			now := time.Since(r.base)
			for _, user := range walkSenders(data) {
				r.mu.RLock()
				sender, known := r.byUser[user]
				r.mu.RUnlock()
				if !known || sender == i || !r.measured[sender].Load() {
					continue
				}
				sent := time.Duration(r.sentAt[sender].Load())
				own = append(own, sample{sent.Seconds(), float64(now-sent) / 1e6})
				r.received.Add(1)
			}
		}
	}()

	rng := rand.New(rand.NewSource(int64(i)))
	interval := time.Duration(r.cfg.IntervalS * float64(time.Second))
	<-r.start
	time.Sleep(time.Until(r.startAt) + time.Duration(rng.Float64()*float64(interval)))
	for time.Now().Before(r.stopAt) {
		measuring := r.measuring.Load()
		r.sentAt[i].Store(int64(time.Since(r.base)))
		r.measured[i].Store(measuring)
		if measuring {
			r.walks.Add(1)
			r.expected.Add(room.Load() - 1)
		}
		walk := fmt.Sprintf(`{"type": "walk", "x": %d, "y": %d}`, rng.Intn(r.cfg.Side), rng.Intn(r.cfg.Side))
		if err := conn.WriteMessage(websocket.TextMessage, []byte(walk)); err != nil {
			r.fail(fmt.Errorf("send: %w", err))
			room.Add(-1) // out of the room: the others' walks are no longer expected here
			conn.Close()
			<-done
			return
		}
		time.Sleep(interval)
	}
	time.Sleep(2 * time.Second) // let the last walks arrive
	conn.Close()
	<-done
}

// The server writes a walk as {"type":"walk","user":<id>,...}: reading the id
// there spares decoding the whole path of every one of thousands of frames a
// second on the cores the server uses. Anything else is decoded in full.
var walkPrefix = []byte(`{"type":"walk","user":`)

// A busy room sends a tick's frames as one {"type":"batch","frames":[...]}
// (docs/protocol.md): each walk in it is one delivery.
var batchPrefix = []byte(`{"type":"batch",`)

// The server writes every message as {"type":"<kind>",...}: one of a kind
// that carries no walk (user_entered, chat, ...) is skipped undecoded. A
// client sees a dozen players enter its room, each message the size of an
// avatar, and decoding them took CPU from the server on the same cores.
// Messages written otherwise (the peers') are decoded in full.
var typePrefix = []byte(`{"type":"`)

func carriesWalks(data []byte) bool {
	kind, found := bytes.CutPrefix(data, typePrefix)
	return !found || bytes.HasPrefix(kind, []byte(`walk"`)) || bytes.HasPrefix(kind, []byte(`batch"`))
}

// walkSenders returns the senders of the walks in a server message.
func walkSenders(data []byte) []int64 {
	if !carriesWalks(data) {
		return nil
	}
	if !bytes.HasPrefix(data, batchPrefix) {
		if user, ok := walkSender(data); ok {
			return []int64{user}
		}
		return nil
	}
	var batch struct {
		Frames []struct {
			Type string          `json:"type"`
			User json.RawMessage `json:"user"` // an object in user_entered
		} `json:"frames"`
	}
	if json.Unmarshal(data, &batch) != nil {
		return nil
	}
	var users []int64
	for _, frame := range batch.Frames {
		if frame.Type != "walk" {
			continue
		}
		if user, err := strconv.ParseInt(string(frame.User), 10, 64); err == nil {
			users = append(users, user)
		}
	}
	return users
}

// numberAfter reads the integer between prefix and the next comma, if data
// begins with prefix.
func numberAfter(data, prefix []byte) (int64, bool) {
	if rest, found := bytes.CutPrefix(data, prefix); found {
		if end := bytes.IndexByte(rest, ','); end > 0 {
			if n, err := strconv.ParseInt(string(rest[:end]), 10, 64); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

func walkSender(data []byte) (int64, bool) {
	if user, ok := numberAfter(data, walkPrefix); ok {
		return user, true
	}
	var walk struct {
		Type string `json:"type"`
		User int64  `json:"user"`
	}
	if json.Unmarshal(data, &walk) != nil || walk.Type != "walk" {
		return 0, false
	}
	return walk.User, true
}

// The snapshot begins {"type":"snapshot","you":<id>,: its id is read there,
// not by decoding the whole room (several KB) for every player entering.
var snapshotPrefix = []byte(`{"type":"snapshot","you":`)

func snapshotYou(data []byte) (int64, error) {
	if you, ok := numberAfter(data, snapshotPrefix); ok {
		return you, nil
	}
	var snapshot struct {
		You int64 `json:"you"`
	}
	err := json.Unmarshal(data, &snapshot)
	return snapshot.You, err
}

func quantile(sorted []float64, q float64) *float64 {
	if len(sorted) == 0 {
		return nil
	}
	i := int(q * float64(len(sorted)))
	if i > len(sorted)-1 {
		i = len(sorted) - 1
	}
	v := float64(int(sorted[i]*100+0.5)) / 100
	return &v
}

func emit(v any) {
	line, _ := json.Marshal(v)
	os.Stdout.Write(append(line, '\n'))
}

func main() {
	// Fewer garbage collections: the clients share the 2 cores with the server they measure.
	debug.SetGCPercent(400)
	var cfg config
	if err := json.NewDecoder(os.Stdin).Decode(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "roomsload: bad configuration on stdin:", err)
		os.Exit(2)
	}
	n := len(cfg.Players)
	r := &run{
		cfg: cfg, base: time.Now(), sentAt: make([]atomic.Int64, n), inAt: make([]atomic.Int64, n), measured: make([]atomic.Bool, n),
		members: map[string]*atomic.Int64{}, byUser: map[int64]int{}, start: make(chan struct{}),
		entering: make(chan struct{}, cfg.Entering),
	}
	for _, p := range cfg.Players {
		if r.members[p.Room] == nil {
			r.members[p.Room] = &atomic.Int64{}
		}
	}
	seconds := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	// Walking starts once everyone is in (or failed): entering is not what is measured.
	var wg sync.WaitGroup
	r.entered.Add(n)
	for i := range cfg.Players {
		wg.Add(1)
		go r.client(i, &wg)
		if (i+1)%50 == 0 { // at most SpawnPerS clients started a second
			time.Sleep(seconds(50 / float64(cfg.SpawnPerS)))
		}
	}
	allIn := make(chan struct{})
	go func() { r.entered.Wait(); close(allIn) }()
	select {
	case <-allIn:
	case <-time.After(seconds(cfg.ConnectS)):
	}
	entered := time.Since(r.base).Seconds()
	if cfg.IdleS > 0 {
		emit(map[string]string{"event": "idle"})
		time.Sleep(seconds(cfg.IdleS))
		emit(map[string]string{"event": "idle_end"})
	}
	r.startAt = time.Now()
	r.stopAt = r.startAt.Add(seconds(cfg.WarmupS + cfg.DurationS))
	close(r.start)
	time.Sleep(time.Until(r.startAt.Add(seconds(cfg.WarmupS))))
	r.measuring.Store(true)
	emit(map[string]string{"event": "measuring"})
	measureStart := time.Now()
	measureFrom := measureStart.Sub(r.base).Seconds()
	time.Sleep(time.Until(r.stopAt))
	r.measuring.Store(false)
	measured := time.Since(measureStart).Seconds()
	emit(map[string]string{"event": "measured"})
	wg.Wait()

	lat := make([]float64, len(r.latencies))
	byWindow := map[int][]float64{}
	for k, s := range r.latencies {
		lat[k] = s.ms
		w := int((s.sentS - measureFrom) / windowS)
		byWindow[w] = append(byWindow[w], s.ms)
	}
	sort.Float64s(lat)
	res := result{
		Event: "result", Walks: r.walks.Load(), Expected: r.expected.Load(), Received: r.received.Load(),
		MeasuredS: measured, P50: quantile(lat, 0.50), P90: quantile(lat, 0.90), P99: quantile(lat, 0.99),
		Failures: r.failures.Load(), EnteredS: entered, EnteredBy: r.enteredBy(),
	}
	for w := 0; w*windowS < int(cfg.DurationS); w++ {
		in := byWindow[w]
		sort.Float64s(in)
		res.Windows = append(res.Windows, window{FromS: float64(w * windowS), N: len(in), P50: quantile(in, 0.5), P99: quantile(in, 0.99)})
	}
	if len(lat) > 0 {
		res.Max = quantile(lat, 1)
		sum := 0.0
		for _, v := range lat {
			sum += v
		}
		mean := float64(int(sum/float64(len(lat))*100+0.5)) / 100
		res.Mean = &mean
	}
	if e, ok := r.firstErr.Load().(string); ok {
		res.FirstError = e
	}
	emit(res)
}
