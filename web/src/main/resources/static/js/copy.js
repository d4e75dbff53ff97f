// A button with data-copy="<id>" copies the value of the element with that id. The clipboard API needs a secure
// context (https or localhost); elsewhere the text is selected, for the reader to copy by hand.
document.addEventListener('click', function (event) {
	var button = event.target.closest('[data-copy]');
	if (!button) {
		return;
	}
	var field = document.getElementById(button.dataset.copy);
	field.select();
	if (!navigator.clipboard) {
		button.textContent = 'Selected: press Ctrl+C';
		return;
	}
	navigator.clipboard.writeText(field.value).then(function () {
		button.textContent = 'Copied';
	}, function () {
		button.textContent = 'Selected: press Ctrl+C';
	});
});
