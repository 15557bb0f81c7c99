"""Private folders are created 0700 and refused when shared, foreign or a link."""
import os

import pytest

from contratgen.private import UnsafeFolder, private_dir


def test_a_new_private_folder_is_mode_700(tmp_path):
    folder = private_dir(tmp_path / "run")
    assert (folder.stat().st_mode & 0o777) == 0o700


def test_a_folder_others_can_write_is_refused(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    with pytest.raises(UnsafeFolder, match="other accounts"):
        private_dir(folder)


def test_a_link_in_place_of_the_folder_is_refused(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "run").symlink_to(target)
    with pytest.raises(UnsafeFolder, match="not a folder"):
        private_dir(tmp_path / "run")


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another account")
def test_a_folder_of_another_account_is_refused(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(UnsafeFolder, match="another account"):
        private_dir(folder)
