package p

import (
	"context"
	"net/http"
)

// A key-value client whose Get result has a Header, declared in another file of the package.
type Header struct{ Revision int64 }

type GetResponse struct {
	Header *Header
	Value  []byte
}

type kvClient struct{ data map[string][]byte }

func (c *kvClient) Get(ctx context.Context, key string) (*GetResponse, error) {
	return &GetResponse{Header: &Header{Revision: 1}, Value: c.data[key]}, ctx.Err()
}

type Server struct {
	kv   *kvClient
	web  *http.Client
	last *http.Response
}

// closeBody (in this other file) closes the body on every path: a call to it is a close.
func closeBody(resp *http.Response) {
	if resp == nil {
		return
	}
	_ = resp.Body.Close()
}

// remember keeps the response: whoever reads s.last owns its body.
func (s *Server) remember(resp *http.Response) { s.last = resp }
