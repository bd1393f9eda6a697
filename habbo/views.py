from django.contrib.auth import login
from django.shortcuts import redirect, render

from habbo.forms import SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("navigator")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("navigator")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)
