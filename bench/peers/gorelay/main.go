// The ceiling among the walk relay's peers (bench/README.md, "Peers"): the same
// relay as the hotel's rooms in as little Go as it takes. One process, one
// Redis pub/sub channel per room: a walk is published to its room's channel,
// and every relay process subscribed to it frames it once and writes it to its
// sockets in that room, as the hotel's web processes do.
//
// Only the protocol subset the rooms benchmark uses (bench/roomsload): the
// socket is /ws/rooms/<room>/, the `sessionid` cookie IS the user id (no
// sessions, database or live state), the first message is {"type":
// "snapshot","you":<id>}, and {"type":"walk","x":..,"y":..} is relayed to
// everyone in the room as {"type":"walk","user":<id>,"x":..,"y":..}.
//
//	gorelay -addr 127.0.0.1:PORT -redis redis://127.0.0.1:6390/5 -prefix peers:go:
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// A socket whose queue fills up is closed, as the hotel closes one that
// cannot keep up: the benchmark counts what it misses as lost.
const queueSize = 1024

type client struct {
	conn *websocket.Conn
	out  chan *websocket.PreparedMessage
	once sync.Once
}

func (c *client) close() { c.once.Do(func() { c.conn.Close() }) }

type relay struct {
	rdb    *redis.Client
	pubsub *redis.PubSub
	prefix string
	mu     sync.RWMutex
	rooms  map[string]map[*client]struct{} // room → this process's sockets in it
}

func (r *relay) join(room string, c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	members := r.rooms[room]
	if members == nil {
		members = map[*client]struct{}{}
		r.rooms[room] = members
		// On the pub/sub connection, under the lock: a leave's UNSUBSCRIBE
		// and this SUBSCRIBE reach Redis in this order.
		if err := r.pubsub.Subscribe(context.Background(), r.prefix+room); err != nil {
			log.Print("subscribe: ", err)
		}
	}
	members[c] = struct{}{}
}

func (r *relay) leave(room string, c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.rooms[room], c)
	if len(r.rooms[room]) == 0 {
		delete(r.rooms, room)
		if err := r.pubsub.Unsubscribe(context.Background(), r.prefix+room); err != nil {
			log.Print("unsubscribe: ", err)
		}
	}
}

// fanOut writes each room's frames to its sockets: framed once per process.
func (r *relay) fanOut() {
	for msg := range r.pubsub.Channel(redis.WithChannelSize(65536)) {
		room := strings.TrimPrefix(msg.Channel, r.prefix)
		frame, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(msg.Payload))
		if err != nil {
			continue
		}
		r.mu.RLock()
		for c := range r.rooms[room] {
			select {
			case c.out <- frame:
			default:
				c.close()
			}
		}
		r.mu.RUnlock()
	}
}

var upgrader = websocket.Upgrader{} // its default origin check: Origin's host is the Host

func (r *relay) serve(w http.ResponseWriter, req *http.Request) {
	room, ok := strings.CutPrefix(req.URL.Path, "/ws/rooms/")
	room = strings.TrimSuffix(room, "/")
	if !ok || room == "" || strings.Contains(room, "/") {
		http.NotFound(w, req)
		return
	}
	cookie, err := req.Cookie("sessionid")
	if err != nil {
		http.Error(w, "no session", http.StatusForbidden)
		return
	}
	user, err := strconv.ParseInt(cookie.Value, 10, 64)
	if err != nil {
		http.Error(w, "bad session", http.StatusForbidden)
		return
	}
	conn, err := upgrader.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	c := &client{conn: conn, out: make(chan *websocket.PreparedMessage, queueSize)}
	c.out <- mustPrepare(fmt.Sprintf(`{"type":"snapshot","you":%d}`, user)) // before any of the room's frames
	r.join(room, c)
	defer func() {
		r.leave(room, c)
		close(c.out) // after leave: nothing sends to it any more
		c.close()
	}()
	go func() {
		for frame := range c.out {
			if conn.WritePreparedMessage(frame) != nil {
				c.close()
				return
			}
		}
	}()
	channel := r.prefix + room
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var walk struct {
			Type string `json:"type"`
			X    int    `json:"x"`
			Y    int    `json:"y"`
		}
		if json.Unmarshal(data, &walk) != nil || walk.Type != "walk" {
			continue
		}
		frame := fmt.Sprintf(`{"type":"walk","user":%d,"x":%d,"y":%d}`, user, walk.X, walk.Y)
		if err := r.rdb.Publish(req.Context(), channel, frame).Err(); err != nil {
			log.Print("publish: ", err)
			return
		}
	}
}

func mustPrepare(text string) *websocket.PreparedMessage {
	frame, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(text))
	if err != nil {
		panic(err)
	}
	return frame
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "where to listen")
	redisURL := flag.String("redis", "redis://127.0.0.1:6390/5", "the Redis to publish through")
	prefix := flag.String("prefix", "peers:go:", "pub/sub channel names start with this (they are global, not per database)")
	flag.Parse()
	options, err := redis.ParseURL(*redisURL)
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(options)
	r := &relay{rdb: rdb, pubsub: rdb.Subscribe(context.Background()), prefix: *prefix, rooms: map[string]map[*client]struct{}{}}
	go r.fanOut()
	http.HandleFunc("/ws/rooms/", r.serve)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
