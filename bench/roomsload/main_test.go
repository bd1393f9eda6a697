package main

import (
	"fmt"
	"testing"
)

func TestWalkSender(t *testing.T) {
	cases := []struct {
		frame string
		user  int64
		ok    bool
	}{
		{`{"type":"walk","user":42,"path":[[1,2]],"started_at":1}`, 42, true},
		{`{"type": "walk", "user": 7, "path": [], "started_at": 1}`, 7, true},
		{`{"user":9,"type":"walk"}`, 9, true},
		{`{"type":"chat","user":42,"text":"hi"}`, 0, false},
		{`{"type":"walk","user":x,`, 0, false},
		{`not json`, 0, false},
	}
	for _, c := range cases {
		user, ok := walkSender([]byte(c.frame))
		if user != c.user || ok != c.ok {
			t.Errorf("walkSender(%s) = %d, %v; want %d, %v", c.frame, user, ok, c.user, c.ok)
		}
	}
}

func TestWalkSenders(t *testing.T) {
	cases := []struct {
		message string
		users   []int64
	}{
		{`{"type":"walk","user":42,"path":[[1,2]],"started_at":1}`, []int64{42}},
		{`{"type":"chat","user":42,"text":"hi"}`, nil},
		{`{"type":"user_entered","user":{"id":5,"path":[[1,2]]}}`, nil},
		{`{"type":"walking","user":42}`, nil},
		{`{"type": "walk", "user": 7, "path": [], "started_at": 1}`, []int64{7}},
		{`{"user":9,"type":"walk"}`, []int64{9}},
		{`{"type":"batch","frames":[{"type":"walk","user":3,"path":[[1,2]],"started_at":1},` +
			`{"type":"user_entered","user":{"id":5}},{"type":"chat","user":4,"text":"hi"},` +
			`{"type":"walk","user":7,"path":[],"started_at":2}]}`, []int64{3, 7}},
		{`{"type":"batch","frames":[`, nil},
	}
	for _, c := range cases {
		users := walkSenders([]byte(c.message))
		if fmt.Sprint(users) != fmt.Sprint(c.users) {
			t.Errorf("walkSenders(%s) = %v; want %v", c.message, users, c.users)
		}
	}
}

func TestSnapshotYou(t *testing.T) {
	cases := []struct {
		message string
		you     int64
		ok      bool
	}{
		{`{"type":"snapshot","you":42,"now":1,"room":{"id":"r"},"avatars":[]}`, 42, true},
		{`{"type": "snapshot", "you": 12, "now": 1}`, 12, true},
		{`{"now":1,"you":3}`, 3, true},
		{`{"type":"snapshot","you":x,`, 0, false},
		{`not json`, 0, false},
	}
	for _, c := range cases {
		you, err := snapshotYou([]byte(c.message))
		if you != c.you || (err == nil) != c.ok {
			t.Errorf("snapshotYou(%s) = %d, %v; want %d, ok %v", c.message, you, err, c.you, c.ok)
		}
	}
}
