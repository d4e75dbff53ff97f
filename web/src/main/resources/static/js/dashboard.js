// The dashboard's additions to htmx; everything else is declared in the pages' hx- attributes.
//
// A refresh answered by the sign-in page (the session ended) would nest that page in a panel, and an action
// the server refused (its form outlived the session, say) would do nothing visible. Reloading instead shows
// the page as it is now, or leads through the sign-in page back to it.
document.addEventListener('htmx:beforeSwap', function (event) {
	var answeredBy = event.detail.xhr.responseURL;
	var signedOut = answeredBy && new URL(answeredBy).pathname === '/login';
	if (signedOut || (event.detail.boosted && event.detail.isError)) {
		event.detail.shouldSwap = false;
		window.location.reload();
	}
});

// Progress bar segments carry their share in data-share: the Content-Security-Policy allows no style attributes
// in the markup, but script may set styles. htmx calls this for the page and for every piece it swaps in.
htmx.onLoad(function (content) {
	content.querySelectorAll('[data-share]').forEach(function (segment) {
		segment.style.flexGrow = segment.dataset.share;
	});
});
