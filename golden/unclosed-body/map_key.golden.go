package p

import "net/http"

// A response used as a map literal's key is stored in the map, which is returned: the
// caller reads the body, so no Close here (a deferred Close would close it under them).
func byResponse(u string) (map[*http.Response]string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return map[*http.Response]string{resp: u}, nil
}

type pending struct {
	resp *http.Response
	url  string
}

// In a struct literal the key is a field name: `resp:` is not a use of the variable, the
// element is, and it is stored.
func kept(u string) (pending, error) {
	resp, err := http.Get(u)
	if err != nil {
		return pending{}, err
	}
	return pending{resp: resp, url: u}, nil
}

// A struct literal whose only use of resp is its field name: the body is never closed.
func named(u string) (int, error) {
	resp, err := http.Get(u) // want "the response body is never closed"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	p := struct{ resp int }{resp: 1}
	return resp.StatusCode + p.resp, nil
}
