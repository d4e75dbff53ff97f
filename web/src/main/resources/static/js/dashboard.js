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

// Times arrive as <time datetime> in UTC. People read them best in their own zone, and recent ones in words
// ("3 minutes ago"); the full local time stays in the tooltip.
var relative = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});
var local = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});
var fullLocal = new Intl.DateTimeFormat(undefined, {dateStyle: 'full', timeStyle: 'long'});

function inWords(at) {
	var seconds = Math.round((at.getTime() - Date.now()) / 1000);
	var steps = [[60, 'second'], [60, 'minute'], [24, 'hour']];
	var amount = seconds;
	for (var i = 0; i < steps.length; i++) {
		if (Math.abs(amount) < steps[i][0]) {
			return relative.format(amount, steps[i][1]);
		}
		amount = Math.round(amount / steps[i][0]);
	}
	// a day or more away: the date says more than "3 days ago"
	return local.format(at);
}

function showTimes(content) {
	content.querySelectorAll('time[datetime]').forEach(function (element) {
		var at = new Date(element.getAttribute('datetime'));
		if (!isNaN(at.getTime())) {
			element.textContent = inWords(at);
			element.title = fullLocal.format(at);
		}
	});
}

htmx.onLoad(showTimes);
// words like "2 minutes ago" age while the page stays open
setInterval(function () {
	showTimes(document);
}, 30000);

// A notice such as "Rolling back" is true only while the rollout is in the state the action left it in.
function dropStaleNotices() {
	var badge = document.querySelector('[data-testid="rollout-state"]');
	if (!badge) {
		return;
	}
	document.querySelectorAll('.flash[data-while-state]').forEach(function (notice) {
		if (notice.dataset.whileState !== badge.dataset.state) {
			notice.remove();
		}
	});
}

htmx.onLoad(dropStaleNotices);
document.addEventListener('htmx:afterSettle', dropStaleNotices);
