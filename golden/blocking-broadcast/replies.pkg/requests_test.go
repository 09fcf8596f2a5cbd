package p

func unbufferedRequest() *request { return &request{reply: make(chan error)} }
