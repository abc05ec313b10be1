// API令牌: a click on the new secret selects all of it, ready to copy.
document.querySelectorAll("input[data-secret]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
  input.addEventListener("click", () => input.select());
});
