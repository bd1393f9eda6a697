package main

import "testing"

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
