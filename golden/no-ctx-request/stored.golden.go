package p

import (
	"context"
	"net/http"
)

type client struct {
	tmpl *http.Request
	reqs map[string]*http.Request
}

var probe *http.Request

// Requests kept as templates across calls: baking this call's context into them would
// keep the context alive and cancel later uses. A finding, no fix.
func (c *client) init(ctx context.Context, u string) error {
	var err error
	c.tmpl, err = http.NewRequest(http.MethodGet, u, nil) // want "http.NewRequest creates a request with no context.*no automatic fix: the request is stored in c.tmpl"
	if err != nil {
		return err
	}
	post, err := http.NewRequest(http.MethodPost, u, nil) // want "no automatic fix: the request is stored in c.reqs\\[\"post\"\\]"
	if err != nil {
		return err
	}
	c.reqs["post"] = post
	head, err := http.NewRequest(http.MethodHead, u, nil) // want "no automatic fix: the request is stored in probe"
	probe = head
	return err
}
