import pytest
from cryptography.exceptions import InvalidTag

from parity.core import crypto


def test_sealing_twice_gives_different_ciphertexts_that_both_open():
    a, b = crypto.encrypt("13812345678"), crypto.encrypt("13812345678")
    assert a != b
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13812345678"


def test_the_blind_index_is_stable_and_keyed(settings):
    first = crypto.blind_index("360426199101010071")
    assert first == crypto.blind_index("360426199101010071")
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely"
    assert crypto.blind_index("360426199101010071") != first


def test_a_ciphertext_does_not_open_under_another_key(settings):
    token = crypto.encrypt("360426199101010071")
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely"
    with pytest.raises(InvalidTag):
        crypto.decrypt(token)


def test_masks_keep_only_the_address_code_and_the_last_four():
    assert crypto.mask_id_number("15020319900101123X") == "150203********123X"
    assert crypto.mask_phone("13812345678") == "138****5678"


def test_the_fast_blind_index_is_hmac_sha256_under_the_derived_key(settings):
    import hashlib
    import hmac

    _aes, key = crypto._keys(settings.FIELD_ENCRYPTION_KEY)
    for value in ["410102199001011234", "13812345678", "", "王五"]:
        expected = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
        assert crypto.blind_index(value) == expected


def test_sealing_many_gives_each_value_its_own_nonce_and_all_open():
    values = ["410102199001011234", "13812345678", "", "王五"]
    sealed = crypto.seal_many(values)
    assert [crypto.decrypt(token) for token in sealed] == values
    assert len({token[:20] for token in sealed}) == len(values)
