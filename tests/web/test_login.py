import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_has_labelled_fields(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page


def test_wrong_password_is_said_plainly(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_logging_in_opens_the_history_and_logging_out_is_a_post(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "correct horse battery"})
    assert response["Location"] == reverse("jobs:history")
    page = client.get(reverse("jobs:history")).content.decode()
    assert f'<form method="post" action="{reverse("logout")}"' in page
