//! The connection under the router: hyper refuses a request head it cannot read (an address over
//! 64 KB, more than 100 header lines, a malformed request line) before any handler runs, with an
//! empty body; this layer replaces that empty answer with the Dutch error page.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The listener the server runs on: TCP connections wrapped in [`Refusals`].
pub struct Listener(pub TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Refusals<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (Refusals::new(io), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection whose writes pass through unchanged, except hyper's own empty refusal of an
/// unreadable request head, which becomes a Dutch page.
pub struct Refusals<T> {
    inner: T,
    /// The page being written instead of hyper's refusal, and how much of it is out.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> Refusals<T> {
    fn new(inner: T) -> Refusals<T> {
        Refusals {
            inner,
            pending: None,
        }
    }
}

/// The Dutch answer for hyper's own refusal in `head`, or `None` when `head` is anything else.
/// hyper writes such a refusal as a whole head with `content-length: 0`; every answer of the
/// router to a 400, 414 or 431 carries a body, so no answer of ours is taken for one.
pub fn dutch_refusal(head: &[u8]) -> Option<Vec<u8>> {
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    let (reason, heading, text) = match status {
        b"400" => (
            "Bad Request",
            "Verzoek niet leesbaar",
            "Uw browser stuurde een verzoek dat de server niet kan lezen. Probeer het opnieuw via de links op de site.",
        ),
        b"414" => (
            "URI Too Long",
            "Adres te lang",
            "Het adres is te lang. Kies minder filters of een kortere zoektekst.",
        ),
        b"431" => (
            "Request Header Fields Too Large",
            "Verzoek te groot",
            "Uw browser stuurde te veel of te grote kopregels (bijvoorbeeld cookies). Verwijder de cookies van deze site en probeer het opnieuw.",
        ),
        _ => return None,
    };
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    let fields = std::str::from_utf8(&head[..end]).ok()?.to_ascii_lowercase();
    if end + 4 != head.len() || !fields.contains("\r\ncontent-length: 0") {
        return None;
    }
    let id = super::request_id::new_request_id();
    tracing::info!(request_id = %id, status = %String::from_utf8_lossy(status), "verzoek geweigerd voordat het gelezen kon worden");
    let body = format!(
        "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{heading} - WijkWijzer Leernetwerk</title>\n</head>\n<body>\n<main>\n\
         <h1>{heading}</h1>\n<p>{text}</p>\n<p>Verzoeknummer: <code>{id}</code></p>\n\
         <p><a href=\"/\">Naar de startpagina</a></p>\n</main>\n</body>\n</html>\n"
    );
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\ncache-control: no-store\r\ncontent-security-policy: {}\r\n\
         x-content-type-options: nosniff\r\nx-frame-options: DENY\r\nx-request-id: {id}\r\n\r\n",
        String::from_utf8_lossy(status),
        body.len(),
        super::CSP,
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    Some(out)
}

impl<T: AsyncWrite + Unpin> Refusals<T> {
    /// Writes the rest of the replacement page; `Ready` once all of it is out.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((page, done)) = &mut self.pending {
            if *done == page.len() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &page[*done..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *done += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Refusals<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Refusals<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match dutch_refusal(buf) {
                Some(page) => this.pending = Some((page, 0)),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        // hyper calls again with the same head while the page is still going out.
        match this.poll_pending(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // A refusal is one head without a body; anything else goes out as it came.
        if let [only] = bufs {
            return self.poll_write(cx, only);
        }
        if self.pending.is_some() {
            return match self.poll_pending(cx) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            };
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dutch_refusal;

    #[test]
    fn only_an_empty_refusal_head_is_replaced() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 09:00:00 GMT\r\n\r\n";
        let page = String::from_utf8(dutch_refusal(hyper).unwrap()).unwrap();
        assert!(page.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(page.contains("<html lang=\"nl\">") && page.contains("Verzoek te groot"));
        let (head, body) = page.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        // Our own answers carry a body, other statuses pass, and a partial head is left alone.
        assert!(
            dutch_refusal(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 120\r\n\r\n").is_none()
        );
        assert!(dutch_refusal(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(dutch_refusal(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n").is_none());
        assert!(dutch_refusal(b"<html>").is_none());
    }
}
